package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.management.RunningManagement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RabbitMQ's endpoints for vhost and user limits, topic permissions and runtime/global parameters, their effect
 * on AMQP clients, and their round trip through /api/definitions.
 */
class LimitsAndParametersApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static Connection connect(String user, String password, String vhost) throws Exception {
        ConnectionFactory f = mgmt.broker().factory();
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        return f.newConnection();
    }

    private static AMQP.Connection.Close refusedOpen(String user, String password, String vhost) {
        IOException e = assertThrows(IOException.class, () -> connect(user, password, vhost));
        return (AMQP.Connection.Close) ((ShutdownSignalException) e.getCause()).getReason();
    }

    @Test
    void aVhostLimitSetOverHttpRefusesTheNextConnectionAndListsAsRabbitMqListsIt() throws Exception {
        assertEquals(201, mgmt.put("/api/vhosts/capped", "{}").status());
        assertEquals(204, mgmt.put("/api/vhost-limits/capped/max-connections", "{\"value\": 1}").status());
        assertEquals(204, mgmt.put("/api/vhost-limits/capped/max-queues", "{\"value\": 10}").status());
        JsonNode limits = mgmt.get("/api/vhost-limits/capped").json();
        assertEquals("[{\"vhost\":\"capped\",\"value\":{\"max-connections\":1,\"max-queues\":10}}]",
                limits.toString());
        assertTrue(mgmt.get("/api/parameters").json().toString().contains(
                "{\"value\":{\"max-connections\":1,\"max-queues\":10},\"vhost\":\"capped\","
                        + "\"component\":\"vhost-limits\",\"name\":\"limits\"}"));
        try (Connection first = connect("guest", "guest", "capped")) {
            AMQP.Connection.Close close = refusedOpen("guest", "guest", "capped");
            assertEquals(530, close.getReplyCode());
            assertEquals("NOT_ALLOWED - access to vhost 'capped' refused for user 'guest': connection limit (1) is "
                    + "reached", close.getReplyText());
        }
        assertEquals(204, mgmt.delete("/api/vhost-limits/capped/max-connections").status());
        assertEquals("{\"max-queues\":10}", mgmt.get("/api/vhost-limits/capped").json().get(0).get("value")
                .toString());
        assertEquals(400, mgmt.put("/api/vhost-limits/capped/max-bananas", "{\"value\": 1}").status());
        assertEquals(400, mgmt.put("/api/vhost-limits/capped/max-queues", "{\"value\": \"many\"}").status());
    }

    @Test
    void userLimitsShowOnTheUserAndCapItsChannels() throws Exception {
        assertEquals(201, mgmt.put("/api/users/limited", "{\"password\":\"limited\",\"tags\":\"\"}").status());
        mgmt.put("/api/permissions/" + enc("/") + "/limited", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        assertEquals(204, mgmt.put("/api/user-limits/limited/max-channels", "{\"value\": 1}").status());
        assertEquals("{\"max-channels\":1}", mgmt.get("/api/users/limited").json().get("limits").toString());
        assertEquals("[{\"user\":\"limited\",\"value\":{\"max-channels\":1}}]",
                mgmt.get("/api/user-limits/limited").json().toString());
        Connection c = connect("limited", "limited", "/");
        c.createChannel();
        IOException e = assertThrows(IOException.class, c::createChannel);
        assertEquals("NOT_ALLOWED - number of channels opened for user 'limited' has reached the maximum allowed "
                + "user limit of (1)", ((AMQP.Connection.Close) ((ShutdownSignalException) e.getCause()).getReason())
                .getReplyText());
        c.abort();
        assertEquals(204, mgmt.delete("/api/user-limits/limited/max-channels").status());
        assertEquals("[]", mgmt.get("/api/user-limits/limited").json().toString());
    }

    @Test
    void aTopicPermissionSetOverHttpRefusesOtherRoutingKeys() throws Exception {
        mgmt.put("/api/users/topical", "{\"password\":\"topical\",\"tags\":\"\"}");
        mgmt.put("/api/permissions/" + enc("/") + "/topical", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        assertEquals(201, mgmt.put("/api/topic-permissions/" + enc("/") + "/topical",
                "{\"exchange\":\"amq.topic\",\"write\":\"^{username}\\\\.\",\"read\":\".*\"}").status());
        assertEquals("[{\"user\":\"topical\",\"vhost\":\"/\",\"exchange\":\"amq.topic\",\"write\":\"^{username}\\\\.\","
                + "\"read\":\".*\"}]", mgmt.get("/api/topic-permissions/" + enc("/") + "/topical").json().toString());
        assertEquals(1, mgmt.get("/api/users/topical/topic-permissions").json().size());
        try (Connection c = connect("topical", "topical", "/")) {
            Channel ch = c.createChannel();
            ch.basicPublish("amq.topic", "someone-else.news", null, "x".getBytes(StandardCharsets.UTF_8));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
            assertEquals(403, ((AMQP.Channel.Close) ch.getCloseReason().getReason()).getReplyCode());
        }
        assertEquals(204, mgmt.delete("/api/topic-permissions/" + enc("/") + "/topical").status());
        assertEquals(404, mgmt.get("/api/topic-permissions/" + enc("/") + "/topical").status());
    }

    @Test
    void globalParametersAreKeptAndListed() {
        assertEquals(201, mgmt.put("/api/global-parameters/cluster_name",
                "{\"name\":\"cluster_name\",\"value\":\"eu-west\"}").status());
        assertEquals("{\"name\":\"cluster_name\",\"value\":\"eu-west\"}",
                mgmt.get("/api/global-parameters/cluster_name").json().toString());
        assertEquals(204, mgmt.delete("/api/global-parameters/cluster_name").status());
        assertEquals(404, mgmt.get("/api/global-parameters/cluster_name").status());
    }

    @Test
    void aRabbitMq312ExportRoundTripsThroughTheDefinitionsApi() {
        String defs = """
                {"users":[{"name":"rt-user","password":"rt","tags":[],"limits":{"max-connections":4}}],
                 "vhosts":[{"name":"rt","description":"round trip","tags":["a","b"],
                            "metadata":{"description":"round trip","tags":["a","b"],"default_queue_type":"classic"},
                            "default_queue_type":"classic"}],
                 "permissions":[{"user":"rt-user","vhost":"rt","configure":".*","write":".*","read":".*"}],
                 "topic_permissions":[{"user":"rt-user","vhost":"rt","exchange":"amq.topic","write":"^a","read":"^b"}],
                 "parameters":[{"value":{"max-queues":7},"vhost":"rt","component":"vhost-limits","name":"limits"},
                               {"value":{"uri":"amqp://far"},"vhost":"rt","component":"federation-upstream",
                                "name":"far"}],
                 "global_parameters":[{"name":"cluster_name","value":"rt-cluster"}],
                 "queues":[{"name":"typed","vhost":"rt","durable":true,"auto_delete":false,
                            "arguments":{"x-queue-type":"classic"}}]}
                """;
        assertEquals(204, mgmt.post("/api/definitions", defs).status());
        JsonNode export = mgmt.get("/api/definitions").json();
        assertTrue(export.get("topic_permissions").toString().contains(
                "{\"user\":\"rt-user\",\"vhost\":\"rt\",\"exchange\":\"amq.topic\",\"write\":\"^a\",\"read\":\"^b\"}"));
        assertTrue(export.get("parameters").toString().contains("{\"value\":{\"max-queues\":7},\"vhost\":\"rt\","
                + "\"component\":\"vhost-limits\",\"name\":\"limits\"}"), export.get("parameters").toString());
        assertTrue(export.get("parameters").toString().contains("\"component\":\"federation-upstream\""));
        assertTrue(export.get("global_parameters").toString().contains(
                "{\"name\":\"cluster_name\",\"value\":\"rt-cluster\"}"));
        JsonNode user = find(export.get("users"), "rt-user");
        assertEquals("{\"max-connections\":4}", user.get("limits").toString());
        JsonNode vhost = find(export.get("vhosts"), "rt");
        assertEquals("round trip", vhost.get("description").asText());
        assertEquals("[\"a\",\"b\"]", vhost.get("tags").toString());
        assertEquals("classic", vhost.get("metadata").get("default_queue_type").asText());
        assertEquals("classic", find(export.get("queues"), "typed").get("arguments").get("x-queue-type").asText());
        assertEquals("round trip", mgmt.get("/api/vhosts/rt").json().get("description").asText());
        assertTrue(mgmt.get("/api/definitions/rt").json().get("parameters").toString().contains(
                "{\"value\":{\"max-queues\":7},\"vhost\":\"rt\",\"component\":\"vhost-limits\""),
                "a vhost's export keeps its parameters, vhost included, as RabbitMQ's does");
        // and the export loads again unchanged
        assertEquals(204, mgmt.post("/api/definitions", export.toString()).status());
    }

    @Test
    void aQuorumQueueInAnImportIsRefusedWithAReason() {
        var r = mgmt.post("/api/definitions", "{\"queues\":[{\"name\":\"votes\",\"vhost\":\"/\",\"durable\":true,"
                + "\"arguments\":{\"x-queue-type\":\"quorum\"}}]}");
        assertEquals(400, r.status());
        assertTrue(r.body().contains("quorum queues are not supported by Warren yet"), r.body());
        assertEquals(404, mgmt.get("/api/queues/" + enc("/") + "/votes").status());
    }

    @Test
    void aQuorumQueueWithAnArgumentRabbitMqRefusesGetsItsTextInTheImportsRefusal() {
        var r = mgmt.post("/api/definitions", "{\"queues\":[{\"name\":\"votes\",\"vhost\":\"/\",\"durable\":true,"
                + "\"arguments\":{\"x-queue-type\":\"quorum\",\"x-queue-mode\":\"lazy\"}}]}");
        assertEquals(400, r.status());
        assertTrue(r.body().contains("invalid arg 'x-queue-mode' for queue 'votes' in vhost '/' of queue type "
                + "rabbit_quorum_queue"), r.body());
        assertEquals(404, mgmt.get("/api/queues/" + enc("/") + "/votes").status());
    }

    private static JsonNode find(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name + " not in " + list);
    }
}
