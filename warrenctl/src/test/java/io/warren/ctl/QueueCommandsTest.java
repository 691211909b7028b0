package io.warren.ctl;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import io.warren.ctl.RunningWarren.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueueCommandsTest {
    @RegisterExtension
    static final RunningWarren warren = new RunningWarren();

    private static void publish(Channel ch, String queue, int n) throws Exception {
        ch.confirmSelect();
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(30_000);
    }

    @Test
    void listQueuesShowsTheDepthOfEachQueueAfterPublishing() throws Exception {
        try (Connection c = warren.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("orders", true, false, false, Map.of("x-max-length", 100));
            ch.queueDeclare("invoices", false, false, false, null);
            publish(ch, "orders", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> warren.ctl("-s", "list_queues").lines()
                    .contains("orders\t3"));
            Result r = warren.ok("list_queues");
            assertEquals("Listing queues for vhost / ...", r.lines().get(0));
            assertEquals("name\tmessages", r.lines().get(1));
            assertTrue(r.lines().contains("invoices\t0"), r::toString);

            Result items = warren.ok("-q", "list_queues", "name", "durable", "auto_delete", "messages_ready",
                    "messages_unacknowledged", "consumers", "arguments");
            assertEquals("name\tdurable\tauto_delete\tmessages_ready\tmessages_unacknowledged\tconsumers\targuments",
                    items.lines().get(0), "-q drops the informational line, keeps the header");
            assertTrue(items.lines().contains("orders\ttrue\tfalse\t3\t0\t0\t{\"x-max-length\":100}"),
                    items::toString);
            assertTrue(items.lines().contains("invoices\tfalse\tfalse\t0\t0\t0\t{}"), items::toString);

            assertTrue(warren.ok("-s", "list_queues", "--local").lines().contains("orders\t3"));
            assertEquals(List.of("name"), warren.ok("-q", "list_queues", "--offline", "name").lines(),
                    "one node: no queue is offline");

            Result bare = warren.ok("--no-table-headers", "list_queues", "name");
            assertEquals("Listing queues for vhost / ...", bare.lines().get(0));
            assertFalse(bare.lines().contains("name"), bare::toString);
        }
    }

    @Test
    void anUnknownInfoItemIsAUsageErrorNamingTheValidOnes() {
        Result r = warren.ctl("list_queues", "name", "colour");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().contains("colour") && r.err().contains("messages_ready"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void theJsonFormatterPrintsTheAskedItemsOfEachRow() throws Exception {
        try (Connection c = warren.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("json.q", true, false, false, null);
            publish(ch, "json.q", 2);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> warren.ctl("-s", "list_queues").lines()
                .contains("json.q\t2"));
        Result r = warren.ok("--formatter", "json", "list_queues", "name", "messages", "durable");
        JsonNode rows = ApiClient.JSON.readTree(r.out());
        JsonNode row = null;
        for (JsonNode n : rows) {
            if (n.path("name").asText().equals("json.q")) {
                row = n;
            }
        }
        assertEquals(2, row.path("messages").asInt(), r::toString);
        assertTrue(row.path("durable").asBoolean());
    }

    @Test
    void purgeEmptiesAQueueAndDeleteRemovesItSayingHowManyMessagesWentWithIt() throws Exception {
        try (Connection c = warren.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare("purge.me", true, false, false, null);
            ch.queueDeclare("delete.me", true, false, false, null);
            publish(ch, "purge.me", 5);
            publish(ch, "delete.me", 4);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> warren.ctl("-s", "list_queues").lines()
                .containsAll(List.of("purge.me\t5", "delete.me\t4")));

        Result purge = warren.ok("purge_queue", "purge.me");
        assertEquals("Purging queue 'purge.me' in vhost '/' ...", purge.lines().get(0));
        assertTrue(warren.ok("-s", "list_queues").lines().contains("purge.me\t0"));

        Result refused = warren.ctl("delete_queue", "delete.me", "--if-empty");
        assertEquals(ExitCodes.DATA_ERROR, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("not empty"), refused::toString);

        Result deleted = warren.ok("delete_queue", "delete.me");
        assertEquals(List.of("Deleting queue 'delete.me' on vhost '/' ...",
                "Queue was successfully deleted with 4 messages"), deleted.lines());
        assertFalse(warren.ok("-s", "list_queues").out().contains("delete.me"));

        Result missing = warren.ctl("purge_queue", "delete.me");
        assertEquals(ExitCodes.DATA_ERROR, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("no queue 'delete.me' in vhost '/'"), missing::toString);
        assertEquals(ExitCodes.DATA_ERROR, warren.ctl("delete_queue", "delete.me").exitCode());
    }

    @Test
    void exchangesBindingsAndConsumersAreListedWithRabbitmqctlsDefaultColumns() throws Exception {
        try (Connection c = warren.connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("events", "topic", true);
            ch.queueDeclare("audit", true, false, false, null);
            ch.queueBind("audit", "events", "user.#");
            ch.basicQos(7);
            ch.basicConsume("audit", false, "auditor", new DefaultConsumer(ch));

            Result x = warren.ok("list_exchanges");
            assertEquals("name\ttype", x.lines().get(1));
            assertTrue(x.lines().contains("events\ttopic"), x::toString);
            assertTrue(x.lines().contains("amq.fanout\tfanout"), x::toString);

            Result b = warren.ok("-s", "list_bindings");
            assertTrue(b.lines().contains("events\texchange\taudit\tqueue\tuser.#\t{}"), b::toString);

            Result consumers = warren.ok("-s", "list_consumers", "queue_name", "consumer_tag", "ack_required",
                    "prefetch_count");
            assertTrue(consumers.lines().contains("audit\tauditor\ttrue\t7"), consumers::toString);

            Result queues = warren.ok("-s", "list_queues", "name", "consumers");
            assertTrue(queues.lines().contains("audit\t1"), queues::toString);
        }
    }
}
