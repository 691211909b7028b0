package io.warren.broker.auth;

import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topic permissions: routing keys on publish and binding keys on bind and unbind, as RabbitMQ checks them. */
class TopicPermissionsTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @BeforeAll
    static void users() {
        var admin = new BrokerAdmin(broker.broker());
        admin.access().putUser("alice", "alice", null, null, Set.of());
        admin.access().setPermission("alice", "/", ".*", ".*", ".*");
        admin.settings().setTopicPermission("alice", "/", "amq.topic", "^{username}\\.", "^r\\.{vhost}\\.");
    }

    private static Channel channelOf(String user) throws Exception {
        ConnectionFactory f = broker.factory();
        f.setUsername(user);
        f.setPassword(user);
        Connection c = f.newConnection();
        return c.createChannel();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPublishWhoseRoutingKeyMatchesTheWritePatternIsConfirmed() throws Exception {
        Channel ch = channelOf("alice");
        ch.confirmSelect();
        ch.basicPublish("amq.topic", "alice.orders", null, utf8("ok"));
        assertTrue(ch.waitForConfirms(10_000));
    }

    @Test
    void aPublishWithAnotherRoutingKeyClosesTheChannelWithAccessRefused() throws Exception {
        Channel ch = channelOf("alice");
        ch.basicPublish("amq.topic", "bob.orders", null, utf8("no"));
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(403, close.getReplyCode());
        assertEquals("ACCESS_REFUSED - access to topic 'bob.orders' in exchange 'amq.topic' in vhost '/' refused "
                + "for user 'alice'", close.getReplyText());
        assertEquals(60, close.getClassId());
        assertEquals(40, close.getMethodId());
    }

    @Test
    void exchangesWithoutATopicPermissionOrOfAnotherTypeTakeAnyKey() throws Exception {
        Channel ch = channelOf("alice");
        ch.confirmSelect();
        ch.exchangeDeclare("alice.other-topic", "topic", false, true, null);
        ch.basicPublish("alice.other-topic", "bob.orders", null, utf8("free"));
        ch.basicPublish("amq.direct", "bob.orders", null, utf8("free"));
        assertTrue(ch.waitForConfirms(10_000));
    }

    @Test
    void bindingKeysAreCheckedAgainstTheReadPatternWithTheVhostVariableExpanded() throws Exception {
        Channel ch = channelOf("alice");
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, "amq.topic", "r./.orders");
        ch.queueUnbind(q, "amq.topic", "r./.orders");
        AMQP.Channel.Close bind = channelClose(() -> ch.queueBind(q, "amq.topic", "orders.#"));
        assertEquals(403, bind.getReplyCode());
        assertEquals("ACCESS_REFUSED - access to topic 'orders.#' in exchange 'amq.topic' in vhost '/' refused for "
                + "user 'alice'", bind.getReplyText());
        assertEquals(50, bind.getClassId());
        assertEquals(20, bind.getMethodId());
        Channel unbinding = channelOf("alice");
        String q2 = unbinding.queueDeclare().getQueue();
        assertEquals(403, channelClose(() -> unbinding.queueUnbind(q2, "amq.topic", "orders.#")).getReplyCode());
        Channel exchanges = channelOf("alice");
        exchanges.exchangeDeclare("alice.fanout", "fanout", false, true, null);
        AMQP.Channel.Close xbind = channelClose(() -> exchanges.exchangeBind("alice.fanout", "amq.topic", "x"));
        assertEquals(403, xbind.getReplyCode());
        assertEquals(40, xbind.getClassId());
    }

    @Test
    void otherUsersAreNotBoundByAlicesTopicPermission() throws Exception {
        Channel ch = broker.channel();
        ch.confirmSelect();
        ch.basicPublish("amq.topic", "bob.orders", null, utf8("guest may"));
        assertTrue(ch.waitForConfirms(10_000));
    }
}
