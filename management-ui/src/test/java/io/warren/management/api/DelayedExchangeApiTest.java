package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.management.RunningManagement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A delayed exchange through the HTTP API: declared, its pending messages counted and listed, publish held. */
class DelayedExchangeApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final String V = enc("/");

    @Test
    void aDelayedExchangeShowsHowManyMessagesWaitAndListsTheSoonest() throws Exception {
        assertEquals(201, mgmt.put("/api/exchanges/" + V + "/later",
                "{\"type\":\"x-delayed-message\",\"durable\":true,\"arguments\":{\"x-delayed-type\":\"direct\"}}")
                .status());
        try (var c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int delay : new int[] {90_000, 30_000, 60_000}) {
                ch.basicPublish("later", "key." + delay, new AMQP.BasicProperties.Builder()
                        .headers(Map.of("x-delay", delay)).deliveryMode(2).build(), new byte[delay / 1000]);
            }
            ch.waitForConfirmsOrDie(5_000);
        }

        JsonNode x = mgmt.get("/api/exchanges/" + V + "/later").json();
        assertEquals("x-delayed-message", x.get("type").asText());
        assertEquals(3, x.get("messages_delayed").asInt());
        JsonNode soonest = mgmt.get("/api/exchanges/" + V + "/later/delayed?limit=2").json();
        assertEquals(2, soonest.size());
        assertEquals("key.30000", soonest.get(0).get("routing_key").asText());
        assertEquals(30, soonest.get(0).get("payload_bytes").asInt());
        assertEquals(30_000, soonest.get(0).path("properties").path("headers").path("x-delay").asInt());
        assertEquals("key.60000", soonest.get(1).get("routing_key").asText());
        assertTrue(soonest.get(0).get("due_at").asLong() < soonest.get(1).get("due_at").asLong());

        assertFalse(mgmt.get("/api/exchanges/" + V + "/amq.direct").json().has("messages_delayed"));
        assertEquals(404, mgmt.get("/api/exchanges/" + V + "/amq.direct/delayed").status());
        assertEquals(400, mgmt.get("/api/exchanges/" + V + "/later/delayed?limit=lots").status());
    }

    @Test
    void aMessagePublishedOverHttpWithADelayIsHeldToo() {
        mgmt.put("/api/exchanges/" + V + "/later-http",
                "{\"type\":\"x-delayed-message\",\"arguments\":{\"x-delayed-type\":\"fanout\"}}");
        mgmt.put("/api/queues/" + V + "/later-http-due", "{}");
        mgmt.post("/api/bindings/" + V + "/e/later-http/q/later-http-due", "{\"routing_key\":\"\"}");

        JsonNode routed = mgmt.post("/api/exchanges/" + V + "/later-http/publish",
                "{\"routing_key\":\"\",\"payload\":\"hi\",\"payload_encoding\":\"string\","
                        + "\"properties\":{\"headers\":{\"x-delay\":300}}}").json();

        assertTrue(routed.get("routed").asBoolean());
        assertEquals(1, mgmt.get("/api/exchanges/" + V + "/later-http").json().get("messages_delayed").asInt());
        await().atMost(Duration.ofSeconds(5)).until(() ->
                mgmt.get("/api/queues/" + V + "/later-http-due").json().path("messages").asInt() == 1);
        assertEquals(0, mgmt.get("/api/exchanges/" + V + "/later-http").json().get("messages_delayed").asInt());
    }
}
