package io.warren.management.prometheus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.MessageProperties;
import io.warren.management.RunningManagement;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RabbitMQ's published Grafana dashboard, RabbitMQ-Overview, read against Warren's Prometheus port after real
 * traffic: every query it makes finds its series, with the labels it filters, joins and groups on, and the values
 * behind the panels are the broker's.
 */
class PrometheusDashboardTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement().withPrometheus();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * What the Prometheus job adds to every series it stores: instance and job, and (as docs/monitoring.md says)
     * the static label rabbitmq_cluster with honor_labels, which this revision of the dashboard needs because its
     * top row filters metrics other than rabbitmq_identity_info on it. RabbitMQ's own output needs the same.
     */
    private static Exposition asStored(Exposition scrape) {
        String cluster = scrape.samples("rabbitmq_identity_info").get(0).labels().get("rabbitmq_cluster");
        return scrape.withTargetLabels(Map.of("instance", "127.0.0.1:" + mgmt.prometheusPort(), "job", "warren",
                "rabbitmq_cluster", cluster));
    }

    @Test
    void everyOverviewPanelFindsItsSeriesAndShowsTheBrokersNumbers() throws Exception {
        // the other tests' traffic stays in the totals: counters are compared with a scrape taken before
        Exposition before = scrape("/metrics");
        try (Connection c = mgmt.broker().factory().newConnection()) {
            Channel pub = c.createChannel();
            pub.queueDeclare("orders", true, false, false, null);
            pub.queueDeclare("empty", false, false, false, null);
            pub.confirmSelect();
            for (int i = 0; i < 10; i++) {
                pub.basicPublish("", "orders", MessageProperties.PERSISTENT_BASIC, ("order " + i).getBytes());
            }
            pub.basicPublish("amq.direct", "nowhere", false, null, new byte[1]); // dropped
            pub.basicPublish("amq.direct", "nowhere", true, null, new byte[1]); // returned
            pub.waitForConfirmsOrDie(30_000);
            var got = pub.basicGet("orders", false);
            pub.basicAck(got.getEnvelope().getDeliveryTag(), false);
            assertEquals(null, pub.basicGet("empty", false));
            Channel sub = c.createChannel();
            sub.basicQos(3);
            sub.basicConsume("orders", false, new DefaultConsumer(sub)); // holds 3 unacked, never acks

            // other tests' connections may still be closing for a moment
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Exposition now = scrape("/metrics");
                return now.value("rabbitmq_queue_messages_unacked") == 3 && now.value("rabbitmq_connections") == 1;
            });
            Exposition m = scrape("/metrics");
            assertEquals(6, m.value("rabbitmq_queue_messages_ready"));
            assertEquals(9, m.value("rabbitmq_queue_messages"));
            assertEquals(2, m.value("rabbitmq_queues"));
            assertEquals(1, m.value("rabbitmq_connections"));
            assertEquals(2, m.value("rabbitmq_channels"));
            assertEquals(1, m.value("rabbitmq_channel_consumers"));
            assertEquals(12, delta(before, m, "rabbitmq_channel_messages_published_total"));
            assertEquals(12, delta(before, m, "rabbitmq_global_messages_received_total", "protocol", "amqp091"));
            assertEquals(12, delta(before, m, "rabbitmq_channel_messages_confirmed_total"));
            assertEquals(0, m.value("rabbitmq_channel_messages_unconfirmed"));
            assertEquals(10, delta(before, m, "rabbitmq_queue_messages_published_total"), "copies into queues");
            assertEquals(10, delta(before, m, "rabbitmq_global_messages_routed_total", "protocol", "amqp091"));
            assertEquals(1, delta(before, m, "rabbitmq_channel_messages_unroutable_dropped_total"));
            assertEquals(1, delta(before, m, "rabbitmq_channel_messages_unroutable_returned_total"));
            assertEquals(1, delta(before, m, "rabbitmq_channel_get_ack_total"));
            assertEquals(0, delta(before, m, "rabbitmq_channel_get_total"));
            assertEquals(1, delta(before, m, "rabbitmq_channel_get_empty_total"));
            assertEquals(3, delta(before, m, "rabbitmq_channel_messages_delivered_ack_total"));
            assertEquals(1, delta(before, m, "rabbitmq_channel_messages_acked_total"));
            assertEquals(1, m.value("rabbitmq_global_publishers", "protocol", "amqp091"));
            assertEquals(2, delta(before, m, "rabbitmq_queues_created_total"));
            assertEquals(1, delta(before, m, "rabbitmq_connections_opened_total"));
            assertEquals(2, delta(before, m, "rabbitmq_channels_opened_total"));
            assertEquals(1, m.value("rabbitmq_identity_info", "rabbitmq_node", mgmt.admin().nodeName(),
                    "rabbitmq_cluster", mgmt.admin().clusterName()));
            assertEquals(0, m.value("rabbitmq_alarms_memory_limit"));
            assertTrue(m.value("rabbitmq_process_max_fds") > m.value("rabbitmq_process_open_fds"));
            assertTrue(m.value("rabbitmq_resident_memory_limit_bytes")
                    > m.value("rabbitmq_process_resident_memory_bytes"), "no memory alarm, so below the limit");
            assertTrue(m.value("rabbitmq_disk_space_available_bytes") > 0);

            DashboardCheck check = DashboardCheck.run(dashboard(), asStored(m));
            assertEquals(List.of(), check.problems());
            assertEquals(mgmt.admin().clusterName(), check.variables().get("rabbitmq_cluster"));
            assertEquals(35, check.metrics().size(), "the queries name " + check.metrics());
        }
    }

    @Test
    void perObjectHasEachQueuesSeriesAndStillServesTheWholeDashboard() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("per-object \"quoted\"", false, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 4; i++) {
                ch.basicPublish("", "per-object \"quoted\"", null, new byte[1]);
            }
            ch.waitForConfirmsOrDie(30_000);
            Exposition p = scrape("/metrics/per-object");
            assertEquals(4, p.value("rabbitmq_queue_messages_ready", "vhost", "/", "queue", "per-object \"quoted\""));
            assertEquals(0, p.value("rabbitmq_queue_consumers", "vhost", "/", "queue", "per-object \"quoted\""));
            for (Exposition.Sample s : p.samples("rabbitmq_queue_messages")) {
                assertEquals(List.of("vhost", "queue"), List.copyOf(s.labels().keySet()));
            }
            assertEquals(List.of(), DashboardCheck.run(dashboard(), asStored(p)).problems());
            ch.queueDelete("per-object \"quoted\"");
        }
    }

    @Test
    void theCheckNoticesAMissingMetricAndAJoinWithoutItsLabels() throws Exception {
        Exposition m = scrape("/metrics");
        List<String> missing = DashboardCheck.run(dashboard(), asStored(m.without("rabbitmq_channels"))).problems();
        assertTrue(missing.contains("Channels: no metric rabbitmq_channels"), missing.toString());
        Exposition unjoinable = m.without("rabbitmq_identity_info"); // no cluster either: the variable is empty
        assertFalse(DashboardCheck.run(dashboard(), unjoinable.withTargetLabels(Map.of("instance", "x")))
                .problems().isEmpty());
    }

    @Test
    void theScrapeIsWellFormedAndTypedAsRabbitmqPrometheus() throws Exception {
        Exposition m = scrape("/metrics");
        Map<String, Exposition.Family> f = m.families();
        assertEquals("gauge", f.get("rabbitmq_queue_messages_ready").type());
        assertEquals("counter", f.get("rabbitmq_channel_messages_published_total").type());
        assertEquals("counter", f.get("rabbitmq_global_messages_received_total").type());
        assertEquals("untyped", f.get("rabbitmq_identity_info").type());
        assertEquals("untyped", f.get("rabbitmq_build_info").type());
        assertEquals("untyped", f.get("rabbitmq_alarms_disk_limit").type());
        for (Exposition.Family family : f.values()) {
            assertTrue(family.name().startsWith("rabbitmq_"), family.name());
            assertEquals(family.type().equals("counter"), family.name().endsWith("_total"), family.name());
        }
        var identity = m.samples("rabbitmq_identity_info").get(0).labels();
        assertFalse(identity.get("rabbitmq_cluster_permanent_id").isEmpty());
        assertEquals(identity, scrape("/metrics").samples("rabbitmq_identity_info").get(0).labels(),
                "the permanent id stays put");
        assertEquals(identity.get("rabbitmq_cluster_permanent_id"),
                mgmt.get("/api/global-parameters/internal_cluster_id").json().get("value").asText(),
                "kept as RabbitMQ keeps it, in a global parameter");
    }

    @Test
    void aClusterNameSetAsGlobalParameterNamesTheClusterInTheNextScrape() throws Exception {
        assertEquals(201, mgmt.put("/api/global-parameters/cluster_name",
                "{\"value\": \"orders-cluster\"}").status());
        try {
            assertEquals(1, scrape("/metrics").value("rabbitmq_identity_info", "rabbitmq_cluster", "orders-cluster"));
        } finally {
            mgmt.delete("/api/global-parameters/cluster_name");
        }
    }

    @Test
    void thePrometheusPortServesOnlyMetricsAndTheManagementPortKeepsWarrensOwn() throws Exception {
        assertEquals(404, get(mgmt.prometheusPort(), "/api/overview").statusCode());
        assertEquals(404, get(mgmt.prometheusPort(), "/").statusCode());
        assertTrue(get(mgmt.httpPort(), "/metrics").body().contains("warren_queues "));
        assertFalse(get(mgmt.httpPort(), "/metrics").body().contains("rabbitmq_identity_info"));
    }

    private static double delta(Exposition before, Exposition after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static Exposition scrape(String path) throws Exception {
        HttpResponse<String> r = get(mgmt.prometheusPort(), path);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        return Exposition.parse(r.body());
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode dashboard() throws IOException {
        try (InputStream in = PrometheusDashboardTest.class.getResourceAsStream("/grafana/RabbitMQ-Overview.json")) {
            return new ObjectMapper().readTree(in);
        }
    }
}
