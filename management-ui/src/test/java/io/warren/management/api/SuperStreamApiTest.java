package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.management.RunningManagement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Super streams through /api/super-streams and /api/definitions, used with the RabbitMQ Java client. */
class SuperStreamApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final String V = enc("/");

    private static String path(String name) {
        return "/api/super-streams/" + V + "/" + name;
    }

    @Test
    void oneCallMakesAConsistentHashExchangeBoundToDurableStreams() {
        assertEquals(201, mgmt.put(path("orders"),
                "{\"partitions\":3,\"arguments\":{\"x-max-length-bytes\":20000000,\"x-max-age\":\"7D\"}}").status());

        JsonNode x = mgmt.get("/api/exchanges/" + V + "/orders").json();
        assertEquals("x-consistent-hash", x.get("type").asText());
        assertTrue(x.get("durable").asBoolean());
        assertTrue(x.path("arguments").path("x-super-stream").asBoolean());
        for (int i = 0; i < 3; i++) {
            JsonNode q = mgmt.get("/api/queues/" + V + "/orders-" + i).json();
            assertTrue(q.get("durable").asBoolean());
            assertEquals("stream", q.path("arguments").path("x-queue-type").asText());
            assertEquals("7D", q.path("arguments").path("x-max-age").asText());
        }
        JsonNode bindings = mgmt.get("/api/exchanges/" + V + "/orders/bindings/source").json();
        assertEquals(3, bindings.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("orders-" + i, bindings.get(i).get("destination").asText());
            assertEquals("1", bindings.get(i).get("routing_key").asText());
        }

        JsonNode s = mgmt.get(path("orders")).json();
        assertEquals("orders", s.get("name").asText());
        assertEquals("/", s.get("vhost").asText());
        assertEquals(3, s.get("partitions").asInt());
        assertEquals("[\"orders-0\",\"orders-1\",\"orders-2\"]", s.get("partition_names").toString());
        assertEquals(20000000, s.path("arguments").path("x-max-length-bytes").asInt());
        assertEquals("7D", s.path("arguments").path("x-max-age").asText());
        assertTrue(s.path("arguments").path("x-queue-type").isMissingNode(), s.toString());
        assertTrue(names(mgmt.get("/api/super-streams").json()).contains("orders"));
        assertTrue(names(mgmt.get("/api/super-streams/" + V).json()).contains("orders"));

        assertEquals(204, mgmt.put(path("orders"),
                "{\"partitions\":3,\"arguments\":{\"x-max-length-bytes\":20000000,\"x-max-age\":\"7D\"}}").status(),
                "declaring the same super stream again changes nothing");
    }

    @Test
    void everyMessageOfOneKeyLandsInOnePartitionInPublishOrderAndKeysSpreadOverPartitions() throws Exception {
        mgmt.put(path("payments"), "{\"partitions\":3}");
        int keys = 10;
        int perKey = 30;
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int n = 0; n < perKey; n++) {
                for (int k = 0; k < keys; k++) {
                    ch.basicPublish("payments", "customer-" + k, new AMQP.BasicProperties.Builder().deliveryMode(2)
                            .build(), ("customer-" + k + ":" + n).getBytes(StandardCharsets.UTF_8));
                }
            }
            ch.waitForConfirmsOrDie(30_000);
        }

        Map<String, List<String>> byPartition = readPartitions("payments", 3, keys * perKey);
        Map<String, String> partitionOfKey = new TreeMap<>();
        for (Map.Entry<String, List<String>> p : byPartition.entrySet()) {
            Map<String, Integer> lastOfKey = new HashMap<>();
            for (String body : p.getValue()) {
                String key = body.substring(0, body.indexOf(':'));
                int n = Integer.parseInt(body.substring(body.indexOf(':') + 1));
                String before = partitionOfKey.putIfAbsent(key, p.getKey());
                assertTrue(before == null || before.equals(p.getKey()), key + " is in " + before + " and "
                        + p.getKey());
                assertEquals(lastOfKey.getOrDefault(key, -1) + 1, n, key + " in publish order in " + p.getKey());
                lastOfKey.put(key, n);
            }
            lastOfKey.values().forEach(last -> assertEquals(perKey - 1, last));
        }
        assertEquals(keys, partitionOfKey.size());
        Set<String> used = new HashSet<>(partitionOfKey.values());
        assertTrue(used.size() > 1, "ten keys spread over more than one partition: " + partitionOfKey);
    }

    /** Every message of each partition, read from the first offset until all expected have arrived. */
    private static Map<String, List<String>> readPartitions(String superStream, int partitions, int expected)
            throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = mgmt.broker().factory().newConnection()) {
            for (int i = 0; i < partitions; i++) {
                String partition = superStream + "-" + i;
                List<String> bodies = Collections.synchronizedList(new ArrayList<>());
                out.put(partition, bodies);
                Channel ch = c.createChannel();
                ch.basicQos(50);
                ch.basicConsume(partition, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                               byte[] body) throws IOException {
                        bodies.add(new String(body, StandardCharsets.UTF_8));
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> out.values().stream().mapToInt(List::size).sum() == expected);
        }
        Map<String, List<String>> copy = new TreeMap<>();
        out.forEach((p, bodies) -> copy.put(p, List.copyOf(bodies)));
        return copy;
    }

    @Test
    void deleteRemovesTheExchangeAndEveryPartition() {
        mgmt.put(path("gone"), "{\"partitions\":2}");
        assertEquals(204, mgmt.delete(path("gone")).status());
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/gone").status());
        assertEquals(404, mgmt.get("/api/queues/" + V + "/gone-0").status());
        assertEquals(404, mgmt.get("/api/queues/" + V + "/gone-1").status());
        assertEquals(404, mgmt.get(path("gone")).status());
        assertEquals(404, mgmt.delete(path("gone")).status());
        assertEquals(201, mgmt.put(path("gone"), "{\"partitions\":4}").status(), "the name is free again");
        assertEquals(4, mgmt.get(path("gone")).json().get("partitions").asInt());
    }

    @Test
    void aBadPartitionCountIsRefusedSayingWhatIsAllowed() {
        assertRefused(mgmt.put(path("bad"), "{\"partitions\":0}"),
                "super stream 'bad' in vhost '/': a super stream has 1 to 1000 partitions, not 0");
        assertRefused(mgmt.put(path("bad"), "{\"partitions\":1001}"), "1 to 1000 partitions, not 1001");
        assertRefused(mgmt.put(path("bad"), "{}"), "'partitions' is required");
        assertRefused(mgmt.put(path("bad"), "{\"partitions\":\"three\"}"), "'partitions' must be an integer");
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/bad").status());
    }

    @Test
    void aNameTakenByAnotherKindOfExchangeOrQueueIsRefusedAndNothingIsLeftBehind() {
        mgmt.put("/api/exchanges/" + V + "/taken", "{\"type\":\"direct\"}");
        assertRefused(mgmt.put(path("taken"), "{\"partitions\":2}"),
                "super stream 'taken' in vhost '/': exchange 'taken' already exists and is not a super stream");

        mgmt.put("/api/queues/" + V + "/clash-1", "{}");
        assertRefused(mgmt.put(path("clash"), "{\"partitions\":3}"), "queue 'clash-1' already exists");
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/clash").status());
        assertEquals(404, mgmt.get("/api/queues/" + V + "/clash-0").status());

        assertRefused(mgmt.put(path("aged"), "{\"partitions\":2,\"arguments\":{\"x-max-age\":\"soon\"}}"),
                "invalid_max_age");
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/aged").status());
        assertEquals(404, mgmt.get("/api/queues/" + V + "/aged-0").status(), "a failed declaration leaves nothing");

        assertRefused(mgmt.put(path("classic"), "{\"partitions\":2,\"arguments\":{\"x-queue-type\":\"classic\"}}"),
                "x-queue-type must be 'stream' or left out");

        mgmt.put(path("fixed"), "{\"partitions\":2}");
        assertRefused(mgmt.put(path("fixed"), "{\"partitions\":3}"),
                "super stream 'fixed' in vhost '/': it already exists with 2 partitions, not 3: delete it first");
    }

    @Test
    void aSuperStreamThatFailsHalfWayIsRemovedAgain() {
        mgmt.put("/api/vhosts/capped-ss", "{}");
        mgmt.put("/api/permissions/capped-ss/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        assertEquals(204, mgmt.put("/api/vhost-limits/capped-ss/max-queues", "{\"value\": 2}").status());
        RunningManagement.Response r = mgmt.put("/api/super-streams/capped-ss/wide", "{\"partitions\":3}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("cannot declare queue 'wide-2': queue limit in vhost 'capped-ss' (2) is reached"),
                r.body());
        assertEquals(0, mgmt.get("/api/queues/capped-ss").json().size(), "the two streams made are gone again");
        assertEquals(404, mgmt.get("/api/exchanges/capped-ss/wide").status());
        assertEquals(201, mgmt.put("/api/super-streams/capped-ss/narrow", "{\"partitions\":2}").status());
    }

    @Test
    void declaringAgainWithOtherStreamArgumentsIsRefusedEvenThoseAQueueRedeclareIgnores() {
        mgmt.put(path("kept"), "{\"partitions\":2,\"arguments\":{\"x-max-age\":\"7D\"}}");
        assertRefused(mgmt.put(path("kept"), "{\"partitions\":2,\"arguments\":{\"x-max-age\":\"1D\"}}"),
                "super stream 'kept' in vhost '/': inequivalent arg 'x-max-age' for partition 'kept-0': received "
                        + "'1D' but current is '7D'; delete it first to change its arguments");
        assertEquals("7D", mgmt.get(path("kept")).json().path("arguments").path("x-max-age").asText());
    }

    @Test
    void declaringNeedsConfigurePermissionOnTheExchangeAndEveryPartition() {
        mgmt.put("/api/users/ss-user", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/permissions/" + V + "/ss-user",
                "{\"configure\":\"^mine$|^mine-0$\",\"write\":\".*\",\"read\":\".*\"}");
        assertEquals(403, mgmt.request("PUT", path("mine"), "{\"partitions\":2}", "ss-user", "pw").status(),
                "no configure permission on mine-1");
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/mine").status());
        assertEquals(201, mgmt.request("PUT", path("mine"), "{\"partitions\":1}", "ss-user", "pw").status());
    }

    @Test
    void aDefinitionsImportMakesTheSuperStreamAndAnExportCarriesItAsExchangeQueuesAndBindings() {
        String defs = "{\"super_streams\":[{\"name\":\"imported\",\"vhost\":\"/\",\"partitions\":2,"
                + "\"arguments\":{\"x-max-length-bytes\":1000000}}]}";
        assertEquals(204, mgmt.post("/api/definitions", defs).status());
        assertEquals(204, mgmt.post("/api/definitions", defs).status(), "importing it again changes nothing");
        JsonNode s = mgmt.get(path("imported")).json();
        assertEquals(2, s.get("partitions").asInt());
        assertEquals(1000000, s.path("arguments").path("x-max-length-bytes").asInt());

        JsonNode export = mgmt.get("/api/definitions").json();
        assertTrue(names(export.get("exchanges")).contains("imported"));
        assertTrue(names(export.get("queues")).containsAll(List.of("imported-0", "imported-1")));
        long bound = 0;
        for (JsonNode b : export.get("bindings")) {
            bound += b.get("source").asText().equals("imported") ? 1 : 0;
        }
        assertEquals(2, bound);

        // the export alone brings it back: it is the exchange, its streams and their bindings
        assertEquals(204, mgmt.delete(path("imported")).status());
        assertEquals(204, mgmt.post("/api/definitions", export.toString()).status());
        assertEquals(List.of("imported-0", "imported-1"),
                names(mgmt.get(path("imported")).json().get("partition_names")));
    }

    @Test
    void aBadDefinitionsEntryIsRefusedNamingIt() {
        assertRefused(mgmt.post("/api/definitions",
                "{\"super_streams\":[{\"name\":\"none\",\"vhost\":\"/\",\"partitions\":0}]}"),
                "super stream 'none' in vhost '/': a super stream has 1 to 1000 partitions, not 0");
        assertRefused(mgmt.post("/api/definitions",
                "{\"super_streams\":[{\"name\":\"nowhere\",\"vhost\":\"nope\",\"partitions\":1}]}"),
                "super stream 'nowhere' refers to unknown vhost 'nope'");
    }

    private static void assertRefused(RunningManagement.Response r, String reason) {
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains(reason), r.body());
    }

    private static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.isTextual() ? i.asText() : i.get("name").asText()));
        return out;
    }
}
