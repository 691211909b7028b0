package io.warren.broker.durable;

import static io.warren.broker.TestMessages.get;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.User;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a broker restarted on the same data directory still has: durable exchanges and queues (auto-delete ones
 * too), bindings between durable things, vhosts, users and permissions; and what it no longer has: transient and
 * exclusive things and whatever was deleted before the restart.
 */
class DurableDefinitionsTest {
    private static final Map<String, Object> QUEUE_ARGS = Map.of("x-message-ttl", 60_000,
            "x-dead-letter-exchange", "dlx", "x-max-priority", 5, "x-expires", 86_400_000L);

    @TempDir
    Path data;

    private static int passiveExchange(Connection c, String name) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.exchangeDeclarePassive(name);
            return 200;
        } catch (Exception e) {
            return channelClose(() -> {
                throw e;
            }).getReplyCode();
        }
    }

    private static int passiveQueue(Connection c, String name) throws Exception {
        try (Channel ch = c.createChannel()) {
            ch.queueDeclarePassive(name);
            return 200;
        } catch (Exception e) {
            return channelClose(() -> {
                throw e;
            }).getReplyCode();
        }
    }

    @Test
    void durableExchangesAndQueuesComeBackAndTransientExclusiveAndDeletedOnesDoNot() throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            Channel ch = first.channel();
            ch.exchangeDeclare("durable.topic", "topic", true);
            ch.exchangeDeclare("durable.autodelete", "fanout", true, true, null);
            ch.exchangeDeclare("transient.x", "direct", false);
            ch.exchangeDeclare("deleted.x", "direct", true);
            ch.exchangeDelete("deleted.x");
            ch.queueDeclare("durable.q", true, false, false, QUEUE_ARGS);
            ch.queueDeclare("durable.autodelete.q", true, false, true, null);
            ch.queueDeclare("transient.q", false, false, false, null);
            ch.queueDeclare("exclusive.q", true, true, false, null);
            ch.queueDeclare("deleted.q", true, false, false, null);
            ch.queueDelete("deleted.q");
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Connection c = second.connect();
            assertEquals(200, passiveExchange(c, "durable.topic"));
            assertEquals(200, passiveExchange(c, "durable.autodelete"));
            assertEquals(404, passiveExchange(c, "transient.x"));
            assertEquals(404, passiveExchange(c, "deleted.x"));
            assertEquals(200, passiveExchange(c, "amq.topic"), "built-in exchanges are there as always");
            assertEquals(200, passiveQueue(c, "durable.q"));
            assertEquals(200, passiveQueue(c, "durable.autodelete.q"));
            assertEquals(404, passiveQueue(c, "transient.q"));
            assertEquals(404, passiveQueue(c, "exclusive.q"));
            assertEquals(404, passiveQueue(c, "deleted.q"));
        }
    }

    @Test
    void aRestoredQueueAndExchangeKeepTheirFlagsAndArgumentsForEquivalenceChecks() throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            Channel ch = first.channel();
            ch.queueDeclare("orders", true, false, false, QUEUE_ARGS);
            ch.exchangeDeclare("events", "headers", true, false, true, Map.of("alternate-exchange", "unrouted"));
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Connection c = second.connect();
            Channel ch = c.createChannel();
            ch.queueDeclare("orders", true, false, false, QUEUE_ARGS);
            ch.exchangeDeclare("events", "headers", true, false, true, Map.of("alternate-exchange", "unrouted"));
            assertEquals(406, channelClose(() -> c.createChannel().queueDeclare("orders", true, false, false,
                    Map.of("x-message-ttl", 1_000, "x-dead-letter-exchange", "dlx", "x-max-priority", 5,
                            "x-expires", 86_400_000L))).getReplyCode());
            assertEquals(406, channelClose(() -> c.createChannel().queueDeclare("orders", true, false, true,
                    QUEUE_ARGS)).getReplyCode());
            assertEquals(406, channelClose(() -> c.createChannel().exchangeDeclare("events", "headers", true,
                    false, false, Map.of("alternate-exchange", "unrouted"))).getReplyCode(), "internal is kept");
            assertEquals(406, channelClose(() -> c.createChannel().exchangeDeclare("events", "headers", true,
                    false, true, Map.of())).getReplyCode(), "the alternate exchange is kept");
        }
    }

    @Test
    void bindingsBetweenDurableThingsRouteAfterARestartAndOthersAreGone() throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            Channel ch = first.channel();
            ch.exchangeDeclare("front", "fanout", true);
            ch.exchangeDeclare("orders", "topic", true);
            ch.exchangeDeclare("transient.x", "fanout", false);
            ch.queueDeclare("orders.eu", true, false, false, null);
            ch.queueDeclare("orders.all", true, false, false, null);
            ch.queueDeclare("transient.q", false, false, false, null);
            ch.exchangeBind("orders", "front", "");                    // exchange to exchange
            ch.queueBind("orders.eu", "orders", "eu.#");
            ch.queueBind("orders.all", "orders", "#");
            ch.queueBind("orders.all", "amq.direct", "everything");    // from a built-in exchange
            ch.queueBind("orders.eu", "transient.x", "");              // source does not survive
            ch.exchangeBind("transient.x", "orders", "#");             // destination does not survive
            ch.queueBind("transient.q", "orders", "#");
            ch.queueBind("orders.eu", "orders", "unbound.#");
            ch.queueUnbind("orders.eu", "orders", "unbound.#");
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Channel ch = second.channel();
            ch.basicPublish("front", "eu.paris", null, utf8("through two exchanges"));
            ch.basicPublish("orders", "us.nyc", null, utf8("us"));
            ch.basicPublish("orders", "unbound.x", null, utf8("unbound"));
            ch.basicPublish("amq.direct", "everything", null, utf8("direct"));
            assertEquals("through two exchanges", get(ch, "orders.eu"));
            assertNull(get(ch, "orders.eu"), "the binding unbound before the restart stays unbound");
            assertEquals("through two exchanges", get(ch, "orders.all"));
            assertEquals("us", get(ch, "orders.all"));
            assertEquals("unbound", get(ch, "orders.all"));
            assertEquals("direct", get(ch, "orders.all"));
            assertNull(get(ch, "orders.all"));
            assertEquals(2, second.broker().vhost("/").exchange("orders").router().bindings().size(),
                    "orders.eu and orders.all: the bindings to transient things are gone");
        }
    }

    /** Binding identity compares arguments with equals: 7L must come back a long, not the int 7. */
    @Test
    void aRestoredBindingWithArgumentsCanBeUnboundWithTheSameArguments() throws Exception {
        Map<String, Object> match = Map.of("x-match", "all", "region", "eu", "level", 3, "rank", 7L);
        try (RunningBroker first = RunningBroker.startOn(data)) {
            Channel ch = first.channel();
            ch.exchangeDeclare("by-header", "headers", true);
            ch.queueDeclare("eu.level3", true, false, false, null);
            ch.queueBind("eu.level3", "by-header", "", match);
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Channel ch = second.channel();
            ch.queueUnbind("eu.level3", "by-header", "", match);
        }
        try (RunningBroker third = RunningBroker.startOn(data)) {
            assertEquals(0, third.broker().vhost("/").exchange("by-header").router().bindings().size());
        }
    }

    @Test
    void vhostsUsersAndPermissionsComeBackAndDeletedOnesDoNot() throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            Broker b = first.broker();
            b.addVhost("shop");
            b.users().putUser("alice", "wonderland", Set.of("monitoring"));
            b.users().setPermission("alice", "shop", new Permission("^alice\\.", ".*", ""));
            b.users().setPermission("alice", "/", Permission.ALL);
            b.users().clearPermission("alice", "/");
            b.users().putUser("bob", "builder", Set.of());
            b.users().deleteUser("bob");
            b.vhost("shop").declareQueue("shop.q", true, false, false, Map.of(), null);
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Broker b = second.broker();
            User alice = b.users().authenticate("alice", "wonderland");
            assertNotNull(alice, "the password hash survives");
            assertEquals(Set.of("monitoring"), alice.tags());
            Permission p = b.users().permission("alice", "shop");
            assertEquals("^alice\\.", p.configure());
            assertEquals(".*", p.write());
            assertEquals("", p.read());
            assertNull(b.users().permission("alice", "/"));
            assertNull(b.users().user("bob"));
            ConnectionFactory f = second.factory();
            f.setUsername("alice");
            f.setPassword("wonderland");
            f.setVirtualHost("shop");
            try (Connection c = f.newConnection()) {
                assertEquals(200, passiveQueue(c, "shop.q"));
            }
        }
    }

    @Test
    void theDefaultUserIsMadeOnFirstBootOnlySoADeletedOneStaysDeleted() throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            assertNotNull(first.broker().users().user("guest"));
            first.broker().users().putUser("admin", "secret", Set.of("administrator"));
            first.broker().users().deleteUser("guest");
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            assertNull(second.broker().users().user("guest"));
            assertNotNull(second.broker().users().user("admin"));
            assertNotNull(second.broker().vhost("/"), "the default vhost stays");
        }
    }

    @Test
    void stoppingTheBrokerDoesNotAutoDeleteWhatItsConsumersWereHolding() throws Exception {
        BrokerConfig config = BrokerConfig.defaults().withAmqpPort(0).withBindAddress("127.0.0.1").withDataDir(data);
        Broker broker = new Broker(config).start();
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(broker.port());
            f.setAutomaticRecoveryEnabled(false);
            Connection c = f.newConnection();
            Channel ch = c.createChannel();
            ch.exchangeDeclare("autodelete.x", "fanout", true, true, null);
            ch.queueDeclare("autodelete.q", true, false, true, null);
            ch.queueBind("autodelete.q", "autodelete.x", "");
            ch.basicConsume("autodelete.q", true, (tag, delivery) -> { }, tag -> { });
        } finally {
            broker.close(); // with the connection and its consumer still open
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Connection c = second.connect();
            assertEquals(200, passiveQueue(c, "autodelete.q"));
            assertEquals(200, passiveExchange(c, "autodelete.x"));
            assertEquals(1, second.broker().vhost("/").exchange("autodelete.x").router().bindings().size());
        }
    }

    @Test
    void limitsTopicPermissionsParametersAndVhostMetadataSurviveARestartAndADeletedVhostStaysDeleted()
            throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            var admin = new io.warren.broker.admin.BrokerAdmin(first.broker());
            admin.access().addVhost("kept");
            admin.access().addVhost("dropped");
            admin.access().setPermission("guest", "kept", ".*", ".*", ".*");
            var settings = admin.settings();
            settings.setVhostLimit("kept", "max-queues", com.fasterxml.jackson.databind.node.IntNode.valueOf(0));
            settings.setUserLimit("guest", "max-channels", com.fasterxml.jackson.databind.node.IntNode.valueOf(9));
            settings.setTopicPermission("guest", "kept", "amq.topic", "^allowed$", "");
            settings.setVhostMetadata("kept", "kept vhost", java.util.List.of("a"), "classic");
            settings.setGlobalParameter("cluster_name",
                    com.fasterxml.jackson.databind.node.TextNode.valueOf("warren-1"));
            admin.deleteVhost("dropped");
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            Broker b = second.broker();
            assertNull(b.vhost("dropped"), "a deleted vhost does not come back");
            assertEquals("kept vhost", b.parameters().metadata("kept").description());
            assertEquals(9, b.users().limits("guest").get("max-channels"));
            assertEquals("warren-1", b.parameters().globalParameter("cluster_name").asText());
            ConnectionFactory f = second.factory();
            f.setVirtualHost("kept");
            try (Connection c = f.newConnection()) {
                assertEquals(406, channelClose(() -> c.createChannel().queueDeclare("any", false, false, false,
                        null)).getReplyCode(), "the queue limit of 0 still holds");
                Channel ch = c.createChannel();
                ch.basicPublish("amq.topic", "refused.key", null, utf8("x"));
                assertEquals(403, io.warren.broker.WireErrors.awaitChannelClosed(ch).getReplyCode(),
                        "the topic permission still holds");
            }
        }
    }
}
