package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.management.RunningManagement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueueApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final String V = enc("/");

    @Test
    void aQueueDeclaredOverHttpIsUsableOverAmqpAndListedWithRabbitMqFields() throws Exception {
        assertEquals(201, mgmt.put("/api/queues/" + V + "/declared", "{\"durable\":true,\"arguments\":{}}").status());
        assertEquals(204, mgmt.put("/api/queues/" + V + "/declared", "{\"durable\":true}").status());
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.basicPublish("", "declared", null, "one".getBytes());
            ch.basicPublish("", "declared", null, "two".getBytes());
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                mgmt.get("/api/queues/" + V + "/declared").json().path("messages").asInt() == 2);
        JsonNode q = mgmt.get("/api/queues/" + V + "/declared").json();
        assertEquals("declared", q.get("name").asText());
        assertEquals("/", q.get("vhost").asText());
        assertTrue(q.get("durable").asBoolean());
        assertEquals("classic", q.get("type").asText());
        assertEquals(2, q.get("messages_ready").asInt());
        assertEquals(0, q.get("messages_unacknowledged").asInt());
        assertTrue(q.path("messages_details").has("rate"));
        assertEquals(2, q.path("message_stats").path("publish").asInt());
        assertTrue(q.path("message_stats").path("publish_details").has("rate"));
        JsonNode list = mgmt.get("/api/queues").json();
        assertTrue(list.isArray());
        assertTrue(list.findValuesAsText("name").contains("declared"));
    }

    @Test
    void aStreamDeclaredOverHttpIsListedAsAStreamWithTheMessagesItHolds() throws Exception {
        assertEquals(201, mgmt.put("/api/queues/" + V + "/events", "{\"durable\":true,\"arguments\":"
                + "{\"x-queue-type\":\"stream\"}}").status());
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "events", null, ("e" + i).getBytes());
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                mgmt.get("/api/queues/" + V + "/events").json().path("messages").asInt() == 3);
        JsonNode q = mgmt.get("/api/queues/" + V + "/events").json();
        assertEquals("stream", q.get("type").asText());
        assertEquals(3, q.get("messages_ready").asInt());
        assertTrue(q.get("message_bytes_ready").asLong() > 0);
        assertEquals(204, mgmt.delete("/api/queues/" + V + "/events").status());
        assertEquals(404, mgmt.get("/api/queues/" + V + "/events").status());
    }

    @Test
    void aStreamShowsItsSegmentsAndOffsetsAndEachConsumersOffsetLagStoredOffsetAndGroup() throws Exception {
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("positions", true, false, false, Map.of("x-queue-type", "stream",
                    "x-stream-max-segment-size-bytes", 400));
            ch.confirmSelect();
            for (int i = 0; i < 20; i++) {
                ch.basicPublish("", "positions", null, ("p" + i).getBytes());
            }
            ch.waitForConfirmsOrDie(30_000);
            Channel slow = c.createChannel();
            slow.basicQos(5);
            List<Long> tags = new CopyOnWriteArrayList<>();
            slow.basicConsume("positions", false, "slow", false, false,
                    Map.of("x-stream-offset", "first", "x-stream-automatic-offset-tracking", true),
                    (tag, d) -> tags.add(d.getEnvelope().getDeliveryTag()), tag -> { });
            Channel fast = c.createChannel();
            fast.basicQos(100);
            fast.basicConsume("positions", false, "fast", false, false,
                    Map.of("x-stream-offset", "first", "x-stream-consumer-group", "billing"),
                    (tag, d) -> fast.basicAck(d.getEnvelope().getDeliveryTag(), false), tag -> { });
            String path = "/api/queues/" + V + "/positions";
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer(mgmt.get(path).json(), "fast")
                    .path("offset").asLong() == 20 && consumer(mgmt.get(path).json(), "slow").path("offset").asLong() == 5);
            JsonNode q = mgmt.get(path).json();
            assertEquals("stream", q.get("type").asText());
            assertEquals(20, q.get("messages").asInt());
            assertTrue(q.get("segments").asInt() > 1, q.toString());
            assertEquals(0, q.get("first_offset").asLong());
            assertEquals(19, q.get("last_offset").asLong());
            assertEquals(19, q.get("committed_offset").asLong());
            JsonNode slowView = consumer(q, "slow");
            assertEquals(15, slowView.get("offset_lag").asLong());
            assertEquals(4, slowView.get("last_delivered_offset").asLong());
            assertEquals(0, slowView.get("stored_offset").asLong(), "nothing acked yet");
            assertTrue(slowView.get("consumer_group").isNull());
            JsonNode fastView = consumer(q, "fast");
            assertEquals(0, fastView.get("offset_lag").asLong());
            assertEquals("billing", fastView.get("consumer_group").asText());
            assertTrue(fastView.get("stored_offset").isNull(), "a group's offset is tracked only when asked for");

            slow.basicAck(tags.get(2), true); // offsets 0..2: it resumes at 3, and gets three more
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    consumer(mgmt.get(path).json(), "slow").path("stored_offset").asLong() == 3
                            && consumer(mgmt.get(path).json(), "slow").path("offset_lag").asLong() == 12);
            JsonNode all = mgmt.get("/api/consumers/" + V).json();
            JsonNode listed = null;
            for (JsonNode cv : all) {
                if (cv.path("consumer_tag").asText().equals("slow")) {
                    listed = cv;
                }
            }
            assertEquals(8, listed.get("offset").asLong(), all.toString());
            assertEquals(3, listed.get("stored_offset").asLong());
        }
    }

    private static JsonNode consumer(JsonNode queue, String tag) {
        for (JsonNode c : queue.path("consumer_details")) {
            if (c.path("consumer_tag").asText().equals(tag)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void purgingAStreamOverHttpIsRefusedAsRabbitMqRefusesItAndRemovesNothing() throws Exception {
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("unpurgeable", true, false, false, Map.of("x-queue-type", "stream"));
            ch.confirmSelect();
            ch.basicPublish("", "unpurgeable", null, "kept".getBytes());
            ch.waitForConfirmsOrDie(30_000);
        }
        var r = mgmt.delete("/api/queues/" + V + "/unpurgeable/contents");
        assertEquals(400, r.status());
        assertTrue(r.json().path("reason").asText()
                .contains("queue.purge not supported by stream queues queue 'unpurgeable' in vhost '/'"), r.body());
        assertEquals(1, mgmt.get("/api/queues/" + V + "/unpurgeable").json().path("messages").asInt());
    }

    @Test
    void publishGetPurgeAndDeleteOverHttp() {
        mgmt.put("/api/queues/" + V + "/work", "{}");
        JsonNode routed = mgmt.post("/api/exchanges/" + V + "/amq.default/publish",
                "{\"routing_key\":\"work\",\"payload\":\"hello\",\"payload_encoding\":\"string\","
                        + "\"properties\":{\"delivery_mode\":2,\"headers\":{\"h\":\"v\"}}}").json();
        assertTrue(routed.get("routed").asBoolean());
        JsonNode unrouted = mgmt.post("/api/exchanges/" + V + "/amq.default/publish",
                "{\"routing_key\":\"nowhere\",\"payload\":\"x\",\"payload_encoding\":\"string\",\"properties\":{}}")
                .json();
        assertFalse(unrouted.get("routed").asBoolean());

        await().atMost(Duration.ofSeconds(10)).until(() ->
                mgmt.get("/api/queues/" + V + "/work").json().path("messages").asInt() == 1);
        JsonNode got = mgmt.post("/api/queues/" + V + "/work/get",
                "{\"count\":5,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\",\"truncate\":50000}").json();
        assertEquals(1, got.size());
        assertEquals("hello", got.get(0).get("payload").asText());
        assertEquals("string", got.get(0).get("payload_encoding").asText());
        assertEquals(2, got.get(0).path("properties").path("delivery_mode").asInt());
        assertEquals("v", got.get(0).path("properties").path("headers").path("h").asText());
        // requeued: still there, now redelivered
        JsonNode again = mgmt.post("/api/queues/" + V + "/work/get", "{\"count\":1,\"ackmode\":\"ack_requeue_true\"}")
                .json();
        assertTrue(again.get(0).get("redelivered").asBoolean());

        assertEquals(204, mgmt.delete("/api/queues/" + V + "/work/contents").status());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                mgmt.get("/api/queues/" + V + "/work").json().path("messages").asInt() == 0);
        assertEquals(204, mgmt.delete("/api/queues/" + V + "/work").status());
        assertEquals(404, mgmt.get("/api/queues/" + V + "/work").status());
    }

    @Test
    void getWithoutRequeueTakesTheMessagesAway() throws Exception {
        mgmt.put("/api/queues/" + V + "/taken", "{}");
        mgmt.post("/api/exchanges/" + V + "/amq.default/publish",
                "{\"routing_key\":\"taken\",\"payload\":\"/w==\",\"payload_encoding\":\"base64\",\"properties\":{}}");
        JsonNode got = mgmt.post("/api/queues/" + V + "/taken/get",
                "{\"count\":\"1\",\"ackmode\":\"ack_requeue_false\",\"encoding\":\"auto\"}").json();
        assertEquals("base64", got.get(0).get("payload_encoding").asText(), "bytes that are not UTF-8 come as base64");
        assertEquals("/w==", got.get(0).get("payload").asText());
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            GetResponse r = ch.basicGet("taken", true);
            assertEquals(null, r);
        }
    }

    @Test
    void exchangesAndBindingsAreDeclaredListedAndDeleted() throws Exception {
        assertEquals(201, mgmt.put("/api/exchanges/" + V + "/orders", "{\"type\":\"topic\",\"durable\":true}").status());
        mgmt.put("/api/queues/" + V + "/orders.eu", "{}");
        var bound = mgmt.post("/api/bindings/" + V + "/e/orders/q/orders.eu", "{\"routing_key\":\"eu.#\"}");
        assertEquals(201, bound.status());
        JsonNode bindings = mgmt.get("/api/bindings/" + V + "/e/orders/q/orders.eu").json();
        assertEquals(1, bindings.size());
        assertEquals("eu.#", bindings.get(0).get("routing_key").asText());
        assertEquals("eu.#", bindings.get(0).get("properties_key").asText());

        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.basicPublish("orders", "eu.fr", null, "bonjour".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                mgmt.get("/api/queues/" + V + "/orders.eu").json().path("messages").asInt() == 1);

        JsonNode x = mgmt.get("/api/exchanges/" + V + "/orders").json();
        assertEquals("topic", x.get("type").asText());
        assertEquals(204, mgmt.delete("/api/bindings/" + V + "/e/orders/q/orders.eu/" + enc("eu.#")).status());
        assertEquals(0, mgmt.get("/api/bindings/" + V + "/e/orders/q/orders.eu").json().size());
        assertEquals(204, mgmt.delete("/api/exchanges/" + V + "/orders").status());
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/orders").status());
    }

    @Test
    void overviewShowsPublishAndDeliverRatesWhileClientsWork() throws Exception {
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("rates", false, false, false, null);
            ch.basicConsume("rates", true, (tag, d) -> { }, tag -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (int i = 0; i < 200; i++) {
                    ch.basicPublish("", "rates", null, new byte[10]);
                }
                JsonNode stats = mgmt.get("/api/overview").json().path("message_stats");
                return stats.path("publish_details").path("rate").asDouble() > 0
                        && stats.path("deliver_get_details").path("rate").asDouble() > 0;
            });
        }
        JsonNode overview = mgmt.get("/api/overview").json();
        assertTrue(overview.path("object_totals").has("queues"));
        assertTrue(overview.path("queue_totals").has("messages_ready"));
        assertTrue(overview.path("message_stats").path("publish").asLong() >= 200);
    }
}
