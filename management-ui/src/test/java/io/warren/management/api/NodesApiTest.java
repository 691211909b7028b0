package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.management.RunningManagement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /api/nodes with RabbitMQ's field names, and /api/overview's exchange_types listing every type Warren has. */
class NodesApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    @Test
    void theNodeHasRabbitMqsMemoryDiskAndDescriptorFieldsWithTheirLimits() {
        JsonNode nodes = mgmt.get("/api/nodes").json();
        assertEquals(1, nodes.size());
        JsonNode n = nodes.get(0);
        assertEquals(mgmt.admin().nodeName(), n.path("name").asText());
        assertEquals("disc", n.path("type").asText());
        assertTrue(n.path("running").asBoolean());
        for (String f : List.of("mem_used", "mem_limit", "disk_free", "disk_free_limit", "fd_used", "fd_total",
                "uptime", "processors", "heap_used", "heap_max", "mem_rss")) {
            assertTrue(n.path(f).isIntegralNumber() && n.path(f).asLong() > 0, f + " is " + n.path(f));
        }
        assertTrue(n.path("mem_alarm").isBoolean());
        assertTrue(n.path("disk_free_alarm").isBoolean());
        assertFalse(n.path("mem_alarm").asBoolean());
        assertTrue(n.path("fd_used").asLong() <= n.path("fd_total").asLong());
        assertEquals(Runtime.version().feature(), Runtime.Version.parse(n.path("java_version").asText()).feature());
        assertEquals(OverviewHandler.PRODUCT_VERSION, n.path("product_version").asText());
        JsonNode amqp = n.path("listeners").get(0);
        assertEquals("amqp", amqp.path("protocol").asText());
        assertEquals(mgmt.broker().port(), amqp.path("port").asInt());
        List<Integer> httpPorts = new ArrayList<>();
        n.path("listeners").forEach(l -> {
            if (l.path("protocol").asText().equals("http")) {
                httpPorts.add(l.path("port").asInt());
            }
        });
        assertEquals(List.of(mgmt.httpPort()), httpPorts);
    }

    @Test
    void oneNodeByNameAndAnUnknownNameIsNotFound() {
        String name = mgmt.admin().nodeName();
        JsonNode n = mgmt.get("/api/nodes/" + enc(name)).json();
        assertEquals(name, n.path("name").asText());
        assertTrue(n.has("mem_limit"));
        RunningManagement.Response missing = mgmt.get("/api/nodes/" + enc("rabbit@elsewhere"));
        assertEquals(404, missing.status());
        assertTrue(missing.body().contains(name), missing.body());
    }

    @Test
    void nodesAreForMonitoringUsersAsInRabbitMq() {
        mgmt.put("/api/users/clerk", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/users/watcher", "{\"password\":\"pw\",\"tags\":\"monitoring\"}");
        RunningManagement.Response refused = mgmt.request("GET", "/api/nodes", null, "clerk", "pw");
        assertEquals(401, refused.status());
        assertEquals("Not monitor user", refused.json().path("reason").asText());
        assertEquals(200, mgmt.request("GET", "/api/nodes", null, "watcher", "pw").status());
    }

    @Test
    void theOverviewListsEveryExchangeTypeAndEachCanBeDeclaredByThatName() {
        JsonNode types = mgmt.get("/api/overview").json().path("exchange_types");
        List<String> names = new ArrayList<>();
        types.forEach(t -> {
            names.add(t.path("name").asText());
            assertTrue(t.path("enabled").asBoolean(), t.toString());
            assertFalse(t.path("description").asText().isEmpty(), t.toString());
        });
        assertEquals(List.of("direct", "fanout", "topic", "headers", "x-consistent-hash", "x-message-deduplication",
                "x-delayed-message"), names);
        for (String type : names) {
            String args = switch (type) {
                case "x-delayed-message" -> "{\"x-delayed-type\":\"direct\"}";
                case "x-message-deduplication" -> "{\"x-cache-size\":10}";
                default -> "{}";
            };
            RunningManagement.Response r = mgmt.put("/api/exchanges/" + enc("/") + "/typed-" + type,
                    "{\"type\":\"" + type + "\",\"arguments\":" + args + "}");
            assertEquals(201, r.status(), type + ": " + r.body());
        }
        assertEquals(types, mgmt.get("/api/nodes").json().get(0).path("exchange_types"));
    }
}
