package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConnectionApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    @Test
    void connectionsChannelsAndConsumersAreListedAndAConnectionCanBeClosed() throws Exception {
        var factory = mgmt.broker().factory();
        factory.setClientProperties(Map.of("connection_name", "billing"));
        Connection c = factory.newConnection();
        Channel ch = c.createChannel();
        ch.queueDeclare("watched", false, false, false, null);
        ch.basicQos(7);
        ch.basicConsume("watched", false, "billing-consumer", (tag, d) -> { }, tag -> { });

        JsonNode conns = mgmt.get("/api/connections").json();
        assertEquals(1, conns.size());
        JsonNode conn = conns.get(0);
        assertEquals("guest", conn.get("user").asText());
        assertEquals("/", conn.get("vhost").asText());
        assertEquals(1, conn.get("channels").asInt());
        assertEquals("billing", conn.path("client_properties").path("connection_name").asText());

        JsonNode channels = mgmt.get("/api/channels").json();
        assertEquals(1, channels.get(0).get("consumer_count").asInt());
        assertEquals(7, channels.get(0).get("prefetch_count").asInt());

        JsonNode consumers = mgmt.get("/api/consumers/" + enc("/")).json();
        assertEquals("billing-consumer", consumers.get(0).get("consumer_tag").asText());
        assertEquals("watched", consumers.get(0).path("queue").path("name").asText());
        JsonNode queue = mgmt.get("/api/queues/" + enc("/") + "/watched").json();
        assertEquals("billing-consumer", queue.path("consumer_details").get(0).get("consumer_tag").asText());

        String name = conn.get("name").asText();
        assertEquals(204, mgmt.delete("/api/connections/" + enc(name)).status());
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.isOpen());
        assertFalse(c.isOpen());
        assertTrue(c.getCloseReason().getMessage().contains("CONNECTION_FORCED"));
        await().atMost(Duration.ofSeconds(10)).until(() -> mgmt.get("/api/connections").json().isEmpty());
        assertEquals(404, mgmt.delete("/api/connections/" + enc(name)).status());
    }

    @Test
    void aSingleActiveConsumerQueueShowsWhichConsumerIsActiveAndWhichWait() throws Exception {
        Connection c = mgmt.broker().factory().newConnection();
        try {
            Channel ch = c.createChannel();
            ch.queueDeclare("sac-watched", false, false, true, Map.of("x-single-active-consumer", true));
            ch.basicConsume("sac-watched", false, "first", (tag, d) -> { }, tag -> { });
            ch.basicConsume("sac-watched", false, "second", (tag, d) -> { }, tag -> { });

            JsonNode queue = mgmt.get("/api/queues/" + enc("/") + "/sac-watched").json();
            Map<String, String> status = new java.util.TreeMap<>();
            for (JsonNode consumer : queue.path("consumer_details")) {
                status.put(consumer.get("consumer_tag").asText(),
                        consumer.get("activity_status").asText() + "/" + consumer.get("active").asBoolean());
            }
            assertEquals(Map.of("first", "single_active/true", "second", "waiting/false"), status);
        } finally {
            c.close();
            // the other test counts connections
            await().atMost(Duration.ofSeconds(10)).until(() -> mgmt.get("/api/connections").json().isEmpty());
        }
    }
}
