package io.warren.broker.definitions;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.connectionClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.RunningBroker;
import io.warren.broker.definitions.DefinitionsLoader.DefinitionsException;
import io.warren.broker.vhost.VirtualHost;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Loading a RabbitMQ definitions export, then using what it defined through the wire. */
class DefinitionsLoaderTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    static DefinitionsLoader.Summary summary;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        summary = new DefinitionsLoader(broker.broker()).load(resource("shop-export.json"));
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(DefinitionsLoaderTest.class.getResource("/definitions/" + name).toURI());
    }

    static Connection connectAs(String user, String password, String vhost) throws Exception {
        ConnectionFactory f = broker.factory();
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        return f.newConnection();
    }

    private DefinitionsException loadFailure(String json) {
        return assertThrows(DefinitionsException.class,
                () -> new DefinitionsLoader(broker.broker()).load(JSON.readTree(json)));
    }

    @Test
    void theSummaryCountsWhatTheExportDefines() {
        assertEquals(new DefinitionsLoader.Summary(1, 2, 2, 3, 4, 5, 0, 0), summary);
    }

    @Test
    void theExportedDeclarationsAreKept() {
        VirtualHost shop = broker.broker().vhost("shop");
        assertEquals("topic", shop.exchange("orders").type());
        assertEquals("orders.unrouted", shop.exchange("orders").alternateExchange());
        assertTrue(shop.exchange("orders.audit").internal());
        assertTrue(shop.queue("orders.us").durable());
        assertEquals(10000, ((Number) shop.queue("orders.us").arguments().get("x-max-length")).intValue());
        assertNull(broker.broker().vhost("/").queue("orders.eu"), "the queues belong to vhost 'shop' only");
    }

    @Test
    void theUserWithAnExportedPasswordHashCanUseTheTopology() throws Exception {
        try (Connection c = connectAs("orders-app", "orders-secret", "shop")) {
            Channel ch = c.createChannel();
            ch.basicPublish("orders", "eu.paris.order", null, bytes("paris"));
            ch.basicPublish("orders", "us.nyc.refund", null, bytes("nyc refund"));
            ch.basicPublish("orders", "asia.tokyo.order", null, bytes("tokyo"));
            assertEquals(List.of("paris"), drain(ch, "orders.eu"));
            assertEquals(List.of("nyc refund"), drain(ch, "orders.us"));
            assertEquals(List.of("nyc refund"), drain(ch, "audit"), "via the exchange-to-exchange binding");
            assertEquals(List.of("tokyo"), drain(ch, "unrouted"), "via the alternate exchange");
        }
    }

    @Test
    void aClientMayRedeclareTheExportedTopologyAsItWasExported() throws Exception {
        try (Connection c = connectAs("orders-app", "orders-secret", "shop")) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("orders", "topic", true, false, Map.of("alternate-exchange", "orders.unrouted"));
            ch.queueDeclare("orders.eu", true, false, false, Map.of("x-queue-type", "classic"));
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void theWrongPasswordIsRefused() {
        assertThrows(AuthenticationFailureException.class, () -> connectAs("orders-app", "wrong", "shop"));
    }

    @Test
    void theUserWithAPlainPasswordCanLogIn() throws Exception {
        try (Connection c = connectAs("auditor", "audit-secret", "shop")) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    void theExportedPermissionsAreEnforced() throws Exception {
        try (Connection c = connectAs("auditor", "audit-secret", "shop")) {
            Channel ch = c.createChannel();
            assertNull(ch.basicGet("audit", true), "read on 'audit' is allowed");
            ch.basicPublish("orders", "eu.x.order", null, bytes("not allowed"));
            assertEquals(403, awaitChannelClosed(ch).getReplyCode());
        }
    }

    @Test
    void aUserWithoutPermissionsOnTheVhostCannotOpenIt() {
        // guest has rights on "/" only
        AMQP.Connection.Close close = connectionClose(() -> connectAs("guest", "guest", "shop"));
        assertEquals(530, close.getReplyCode());
    }

    // ---- bad input ----

    @Test
    void aQueueInAnUnknownVhostIsRejected() {
        DefinitionsException e = loadFailure("""
                {"queues": [{"name": "q", "vhost": "nope", "durable": true, "auto_delete": false, "arguments": {}}]}
                """);
        assertEquals("queue refers to unknown vhost 'nope'", e.getMessage());
    }

    @Test
    void aPermissionForAnUnknownUserIsRejected() {
        DefinitionsException e = loadFailure("""
                {"permissions": [{"user": "nobody", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}]}
                """);
        assertEquals("permission refers to unknown user 'nobody'", e.getMessage());
    }

    @Test
    void aBindingToAnUnknownQueueIsRejected() {
        DefinitionsException e = loadFailure("""
                {"bindings": [{"source": "amq.direct", "vhost": "/", "destination": "ghost",
                               "destination_type": "queue", "routing_key": "k", "arguments": {}}]}
                """);
        assertEquals("binding to unknown queue 'ghost'", e.getMessage());
    }

    @Test
    void aBindingFromAnUnknownExchangeIsRejected() {
        broker.broker().vhost("/").declareQueue("target", true, false, false, Map.of(), null);
        DefinitionsException e = loadFailure("""
                {"bindings": [{"source": "ghost-x", "vhost": "/", "destination": "target",
                               "destination_type": "queue", "routing_key": "k", "arguments": {}}]}
                """);
        assertTrue(e.getMessage().contains("no exchange 'ghost-x'"), e.getMessage());
    }

    @Test
    void anExchangeOfAnUnknownTypeIsRejected() {
        DefinitionsException e = loadFailure("""
                {"exchanges": [{"name": "odd", "vhost": "/", "type": "x-unknown", "durable": true,
                                "auto_delete": false, "internal": false, "arguments": {}}]}
                """);
        assertTrue(e.getMessage().startsWith("exchange 'odd'"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown exchange type 'x-unknown'"), e.getMessage());
    }

    @Test
    void aUserWithAnUnsupportedHashingAlgorithmIsRejected() {
        DefinitionsException e = loadFailure("""
                {"users": [{"name": "old", "password_hash": "kI3GCt3zhQ+xoH5KG/BTuPnfFO5RBUe56PsSoBuCeNe2YJjg",
                            "hashing_algorithm": "rabbit_password_hashing_bcrypt", "tags": []}]}
                """);
        assertTrue(e.getMessage().contains("user 'old'"), e.getMessage());
        assertTrue(e.getMessage().contains("rabbit_password_hashing_bcrypt"), e.getMessage());
    }

    @Test
    void aUserWithoutAnyPasswordIsRejected() {
        DefinitionsException e = loadFailure("""
                {"users": [{"name": "nopass", "tags": []}]}
                """);
        assertEquals("user 'nopass' has neither password nor password_hash", e.getMessage());
    }

    @Test
    void aSectionThatIsNotAnArrayIsRejected() {
        assertEquals("'queues' must be an array", loadFailure("{\"queues\": {}}").getMessage());
    }

    @Test
    void malformedJsonIsRejectedWithTheFileName() throws Exception {
        Path file = tmp.resolve("broken.json");
        Files.writeString(file, "{\"vhosts\": [{\"name\": \"x\"}");
        DefinitionsException e = assertThrows(DefinitionsException.class,
                () -> new DefinitionsLoader(broker.broker()).load(file));
        assertTrue(e.getMessage().startsWith("cannot read definitions file " + file), e.getMessage());
        assertNull(broker.broker().vhost("x"));
    }

    @Test
    void aMissingFileIsRejectedWithItsName() {
        Path file = tmp.resolve("absent.json");
        DefinitionsException e = assertThrows(DefinitionsException.class,
                () -> new DefinitionsLoader(broker.broker()).load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aTopLevelValueThatIsNotAnObjectIsRejected() {
        assertEquals("definitions must be a JSON object", loadFailure("[1, 2]").getMessage());
    }

    static byte[] bytes(String s) {
        return utf8(s);
    }

    @Test
    void loadingTheSameExportTwiceChangesNothing() throws Exception {
        VirtualHost shop = broker.broker().vhost("shop");
        int bindings = shop.bindings().size();
        DefinitionsLoader.Summary again = new DefinitionsLoader(broker.broker()).load(resource("shop-export.json"));
        assertEquals(summary, again);
        assertEquals(bindings, shop.bindings().size());
        assertEquals(4, shop.queues().size());
    }

    @Test
    void aRabbitMq312ExportKeepsTopicPermissionsLimitsParametersAndVhostMetadata() throws Exception {
        new DefinitionsLoader(broker.broker()).load(resource("rabbitmq-3.12-export.json"));
        var b = broker.broker();
        assertEquals("meter readings", b.parameters().metadata("metering").description());
        assertEquals(List.of("iot", "eu"), b.parameters().metadata("metering").tags());
        assertEquals(4, b.parameters().vhostLimits("metering").get("max-queues"));
        assertEquals(7, b.users().limits("meter").get("max-channels"));
        assertEquals("amqp://upstream",
                b.parameters().parameter("metering", "federation-upstream", "dc2").value().path("uri").asText());
        assertEquals("rabbit@metering-1", b.parameters().globalParameter("cluster_name").asText());
        assertEquals("classic", b.vhost("metering").queue("readings.raw").arguments().get("x-queue-type")
                .toString());
        // the topic permission is enforced: "meter" may publish only under its own name
        try (Connection c = connectAs("meter", "orders-secret", "metering")) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.basicPublish("readings", "meter.meter.kwh", null, utf8("1"));
            assertTrue(ch.waitForConfirms(10_000));
            ch.basicPublish("readings", "meter.other.kwh", null, utf8("2"));
            AMQP.Channel.Close close = awaitChannelClosed(ch);
            assertEquals(403, close.getReplyCode());
            assertEquals("ACCESS_REFUSED - access to topic 'meter.other.kwh' in exchange 'readings' in vhost "
                    + "'metering' refused for user 'meter'", close.getReplyText());
        }
    }

    @Test
    void aQuorumQueueRefusesTheImportBeforeAnythingIsApplied() {
        DefinitionsException e = loadFailure("""
                {"vhosts": [{"name": "never-made"}],
                 "queues": [{"name": "votes", "vhost": "/", "durable": true, "auto_delete": false,
                             "arguments": {"x-queue-type": "quorum"}}]}""");
        assertEquals("queue 'votes': PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'votes' in vhost '/': "
                + "\"quorum queues are not supported by Warren yet; declare the queue as classic (see "
                + "docs/quorum.md)\"; the definitions were not imported", e.getMessage());
        assertNull(broker.broker().vhost("never-made"), "nothing of the refused file was applied");
    }

    @Test
    void aQuorumQueueWithArgumentsRabbitMqRefusesGetsItsTextBeforeAnythingIsApplied() {
        DefinitionsException e = loadFailure("""
                {"vhosts": [{"name": "never-made"}],
                 "queues": [{"name": "votes", "vhost": "/", "durable": true, "auto_delete": false,
                             "arguments": {"x-queue-type": "quorum", "x-max-priority": 10}},
                            {"name": "ballots", "vhost": "/", "durable": true, "auto_delete": false,
                             "arguments": {"x-queue-type": "quorum", "x-dead-letter-strategy": "twice"}}]}""");
        assertEquals("queue 'votes': PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'votes' in vhost "
                + "'/' of queue type rabbit_quorum_queue; the definitions were not imported", e.getMessage());
        assertNull(broker.broker().vhost("never-made"), "nothing of the refused file was applied");
        DefinitionsException strategy = loadFailure("""
                {"queues": [{"name": "ballots", "vhost": "/", "durable": true, "auto_delete": true,
                             "arguments": {"x-queue-type": "quorum", "x-dead-letter-strategy": "twice"}}]}""");
        assertEquals("queue 'ballots': PRECONDITION_FAILED - invalid arg 'x-dead-letter-strategy' for queue "
                + "'ballots' in vhost '/': invalid_dlx_strategy; the definitions were not imported",
                strategy.getMessage());
        DefinitionsException autoDelete = loadFailure("""
                {"queues": [{"name": "ballots", "vhost": "/", "durable": true, "auto_delete": true,
                             "arguments": {"x-queue-type": "quorum"}}]}""");
        assertEquals("queue 'ballots': PRECONDITION_FAILED - invalid property 'auto-delete' for queue 'ballots' in "
                + "vhost '/'; the definitions were not imported", autoDelete.getMessage());
    }

    @Test
    void aStreamInTheFileIsImportedAsAStream() throws Exception {
        new DefinitionsLoader(broker.broker()).load(JSON.readTree("""
                {"queues": [{"name": "imported-log", "vhost": "/", "durable": true, "auto_delete": false,
                             "arguments": {"x-queue-type": "stream", "x-max-age": "7D"}}]}"""));
        assertEquals("stream", broker.broker().vhost("/").queue("imported-log").type().toString());
    }

    @Test
    void aVhostQueueLimitInTheFileAppliesToTheQueuesItDeclares() {
        DefinitionsException e = loadFailure("""
                {"vhosts": [{"name": "tiny"}],
                 "parameters": [{"vhost": "tiny", "component": "vhost-limits", "name": "limits",
                                 "value": {"max-queues": 1}}],
                 "queues": [{"name": "a", "vhost": "tiny"}, {"name": "b", "vhost": "tiny"}]}""");
        assertEquals("queue 'b': PRECONDITION_FAILED - cannot declare queue 'b': queue limit in vhost 'tiny' (1) is reached",
                e.getMessage());
    }

    @Test
    void whatIsKeptButNotActedOnIsNamedInOneWarning() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                DefinitionsLoader.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            new DefinitionsLoader(broker.broker()).load(JSON.readTree("""
                    {"vhosts": [{"name": "warned", "default_queue_type": "quorum"}],
                     "parameters": [{"vhost": "warned", "component": "shovel", "name": "s1", "value": {"a": 1}}],
                     "global_parameters": [{"name": "cluster_name", "value": "c1"}],
                     "operator_policies": []}"""));
        } finally {
            log.detachAppender(seen);
        }
        List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("definitions: kept and exported again, but not acted on (Warren has no plugin that reads them): "
                + "default_queue_type 'quorum' of vhost 'warned' (its queues are classic), global parameter "
                + "'cluster_name', parameters of component 'shovel'; ignored unknown sections: operator_policies",
                warnings.get(0));
        assertEquals("quorum", broker.broker().parameters().metadata("warned").defaultQueueType());
    }
}
