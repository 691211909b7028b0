package io.warren.management.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MetricsEndpointTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    @Test
    void prometheusSeesQueuesConnectionsTotalsMemoryAndDisk() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("scraped", false, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "scraped", null, new byte[1]);
            }
            ch.waitForConfirmsOrDie(10_000);
            // connections of other tests may still be open for a moment
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String t = mgmt.request("GET", "/metrics", null, null, null).body();
                return t.contains("warren_connections 1.0") && t.contains("warren_channels 1.0");
            });
            String text = mgmt.request("GET", "/metrics", null, null, null).body();
            assertTrue(text.contains("warren_messages_published_total 3.0"));
            assertTrue(text.contains("warren_messages_confirmed_total 3.0"));
            assertTrue(text.contains("warren_queue_messages_ready 3.0"), "the broker-wide sum");
            for (String name : new String[] {"warren_queue_messages_unacked ", "warren_queue_consumers ",
                "warren_queue_publish_rate ", "warren_queue_deliver_rate ", "warren_queue_ack_rate ",
                "warren_queues 1.0", "warren_messages_delivered_total", "warren_messages_acked_total", "warren_messages_returned_total",
                "warren_messages_dead_lettered_total", "warren_alarms_active 0.0", "jvm_memory_used_bytes{area=\"heap\"",
                "warren_process_resident_memory_bytes", "warren_disk_free_bytes"}) {
                assertTrue(text.contains(name), name);
            }
        }
    }

    @Test
    void theAlarmsHealthCheckIsOkWithoutAlarms() {
        var r = mgmt.get("/api/health/checks/alarms");
        assertEquals(200, r.status());
        assertEquals("ok", r.json().get("status").asText());
    }
}
