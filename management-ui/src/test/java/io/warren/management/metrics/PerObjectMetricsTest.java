package io.warren.management.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics stays broker-wide whatever the number of queues; the per-queue series are at /metrics/per-object. */
class PerObjectMetricsTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    @Test
    void metricsAreBrokerWideAndEachQueuesSeriesAreOnThePerObjectEndpoint() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            for (int i = 0; i < 30; i++) {
                ch.queueDeclare("per-object-" + i, false, false, false, null);
            }
            ch.queueDeclare("odd \"name\"\\", false, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "per-object-7", null, new byte[1]);
            ch.waitForConfirmsOrDie(10_000);
        }
        String metrics = mgmt.request("GET", "/metrics", null, null, null).body();
        assertFalse(metrics.contains("queue=\""), "no series per queue in /metrics");
        var r = mgmt.request("GET", "/metrics/per-object", null, null, null);
        assertEquals(200, r.status());
        String perObject = r.body();
        assertTrue(perObject.contains("# TYPE warren_queue_messages_ready gauge"), perObject);
        assertTrue(perObject.contains("warren_queue_messages_ready{queue=\"per-object-7\",vhost=\"/\"} 1.0"),
                perObject);
        assertTrue(perObject.contains("warren_queue_messages_ready{queue=\"odd \\\"name\\\"\\\\\",vhost=\"/\"} 0.0"),
                perObject);
        for (String family : new String[] {"warren_queue_messages_unacked", "warren_queue_consumers",
            "warren_queue_publish_rate", "warren_queue_deliver_rate", "warren_queue_ack_rate"}) {
            for (int i = 0; i < 30; i++) {
                assertTrue(perObject.contains(family + "{queue=\"per-object-" + i + "\",vhost=\"/\"} "), family + i);
            }
        }
    }


    @Test
    void eachStreamHasItsSegmentsAndOffsetsAndEachOfItsConsumersItsOffsetAndLag() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("metered-stream", true, false, false, java.util.Map.of("x-queue-type", "stream"));
            ch.confirmSelect();
            for (int i = 0; i < 10; i++) {
                ch.basicPublish("", "metered-stream", null, new byte[10]);
            }
            ch.waitForConfirmsOrDie(30_000);
            Channel consuming = c.createChannel();
            consuming.basicQos(4); // never acks: it stops four messages in
            consuming.basicConsume("metered-stream", false, "behind", false, false,
                    java.util.Map.of("x-stream-offset", "first"), (tag, d) -> { }, tag -> { });
            String lag = "warren_stream_consumer_offset_lag{queue=\"metered-stream\",vhost=\"/\","
                    + "consumer_tag=\"behind\"} 6.0\n";
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    mgmt.request("GET", "/metrics/per-object", null, null, null).body().contains(lag));
            String perObject = mgmt.request("GET", "/metrics/per-object", null, null, null).body();
            String labels = "{queue=\"metered-stream\",vhost=\"/\"} ";
            assertTrue(perObject.contains("# TYPE warren_stream_segments gauge\n"), perObject);
            assertTrue(perObject.contains("warren_stream_segments" + labels + "1.0\n"), perObject);
            assertTrue(perObject.contains("warren_stream_first_offset" + labels + "0.0\n"), perObject);
            assertTrue(perObject.contains("warren_stream_last_offset" + labels + "9.0\n"), perObject);
            assertTrue(perObject.contains("warren_stream_committed_offset" + labels + "9.0\n"), perObject);
            assertTrue(perObject.contains("warren_stream_consumer_offset{queue=\"metered-stream\",vhost=\"/\","
                    + "consumer_tag=\"behind\"} 4.0\n"), perObject);
            assertFalse(perObject.contains("warren_stream_segments{queue=\"per-object-"), "classic queues have none");
        }
    }

    @Test
    void anHttp10ScraperGetsTheWholeBodyEndedByTheClose() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("old-client", false, false, false, null);
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", mgmt.httpPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /metrics/per-object HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(all.startsWith("HTTP/1.1 200"), all);
            assertFalse(all.toLowerCase().contains("transfer-encoding"), all);
            assertTrue(all.contains("warren_queue_ack_rate{queue=\"old-client\",vhost=\"/\"} 0.0\n"), all);
        }
    }
}
