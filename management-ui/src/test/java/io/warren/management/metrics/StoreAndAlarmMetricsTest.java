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

/** What /metrics and the health check say about the message store and the resource alarms. */
class StoreAndAlarmMetricsTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    @Test
    void fsyncsOfPersistentMessagesShowAsGroupCommits() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("synced", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "synced", com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC, new byte[100]);
            ch.waitForConfirmsOrDie(10_000);
            String text = mgmt.request("GET", "/metrics", null, null, null).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("warren_store_fsyncs_total ([0-9.E]+)")
                    .matcher(text);
            assertTrue(m.find(), text);
            assertTrue(Double.parseDouble(m.group(1)) >= 1, "a confirmed persistent message was fsynced: " + m.group());
            for (String name : new String[] {"warren_store_fsync_seconds_total", "warren_store_fsync_max_seconds",
                "warren_store_synced_bytes_total", "warren_memory_used_bytes", "warren_memory_high_watermark_bytes"}) {
                assertTrue(text.contains(name), name);
            }
        }
    }

    @Test
    void anAlarmShowsInTheHealthCheckAndTheMetrics() throws Exception {
        var alarms = mgmt.broker().broker().alarms();
        long limit = alarms.status().diskFreeLimit();
        alarms.setDiskFreeLimit(Long.MAX_VALUE / 2);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> mgmt.get("/api/health/checks/alarms").status() == 503);
            assertEquals("failed", mgmt.get("/api/health/checks/alarms").json().get("status").asText());
            await().atMost(Duration.ofSeconds(10)).until(() -> mgmt.request("GET", "/metrics", null, null, null).body()
                    .contains("warren_alarms_active 1.0"));
        } finally {
            alarms.setDiskFreeLimit(limit);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> mgmt.get("/api/health/checks/alarms").status() == 200);
    }
}
