package io.warren.broker.limits;

import static io.warren.broker.WireErrors.channelClose;
import static io.warren.broker.WireErrors.connectionClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.SettingsAdmin;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Vhost limits (max-connections, max-queues) and user limits (max-connections, max-channels) on the wire. */
class LimitsTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private final java.util.List<Connection> opened = new java.util.ArrayList<>();

    private SettingsAdmin settings() {
        return new BrokerAdmin(broker.broker()).settings();
    }

    /** A vhost (or user) of the test's own, so connections other tests leave behind do not count. */
    private String vhost(String name) {
        new BrokerAdmin(broker.broker()).access().addVhost(name);
        new BrokerAdmin(broker.broker()).access().setPermission("guest", name, ".*", ".*", ".*");
        return name;
    }

    private String user(String name) {
        var access = new BrokerAdmin(broker.broker()).access();
        access.putUser(name, name, null, null, Set.of());
        access.setPermission(name, "/", ".*", ".*", ".*");
        return name;
    }

    private Connection open(String user, String vhost) throws Exception {
        ConnectionFactory f = broker.factory();
        f.setUsername(user);
        f.setPassword(user.equals("guest") ? "guest" : user);
        f.setVirtualHost(vhost);
        Connection c = f.newConnection();
        opened.add(c);
        return c;
    }

    @AfterEach
    void closeConnections() {
        opened.forEach(Connection::abort);
    }

    @Test
    void aVhostAtItsConnectionLimitRefusesConnectionOpenWithNotAllowed() throws Exception {
        String v = vhost("limited-connections");
        settings().setVhostLimit(v, "max-connections", IntNode.valueOf(1));
        open("guest", v);
        AMQP.Connection.Close close = connectionClose(() -> open("guest", v));
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - access to vhost 'limited-connections' refused for user 'guest': connection "
                + "limit (1) is reached", close.getReplyText());
        assertEquals(10, close.getClassId());
        assertEquals(40, close.getMethodId());
        settings().setVhostLimit(v, "max-connections", IntNode.valueOf(-1)); // negative: no limit, as RabbitMQ
        assertTrue(open("guest", v).isOpen());
    }

    @Test
    void aVhostWithAConnectionLimitOfZeroTakesNoConnections() throws Exception {
        String v = vhost("closed-vhost");
        settings().setVhostLimit(v, "max-connections", IntNode.valueOf(0));
        assertEquals(530, connectionClose(() -> open("guest", v)).getReplyCode());
    }

    @Test
    void aVhostAtItsQueueLimitRefusesANewQueueButRedeclaresAnExistingOne() throws Exception {
        String v = vhost("limited-queues");
        settings().setVhostLimit(v, "max-queues", IntNode.valueOf(2));
        Channel ch = open("guest", v).createChannel();
        ch.queueDeclare("q1", false, false, false, null);
        ch.queueDeclare("q2", false, false, false, null);
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare("q3", false, false, false, null));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - cannot declare queue 'q3': queue limit in vhost 'limited-queues' (2) "
                + "is reached", close.getReplyText());
        Channel again = open("guest", v).createChannel();
        assertEquals("q1", again.queueDeclare("q1", false, false, false, null).getQueue());
        assertEquals("q1", again.queueDeclarePassive("q1").getQueue());
        AMQP.Channel.Close serverNamed = channelClose(() -> again.queueDeclare());
        assertTrue(serverNamed.getReplyText().contains("queue limit in vhost 'limited-queues' (2) is reached"),
                serverNamed.getReplyText());
    }

    @Test
    void aUserAtItsConnectionLimitIsRefusedInEveryVhost() throws Exception {
        String u = user("two-connections");
        settings().setUserLimit(u, "max-connections", IntNode.valueOf(1));
        open(u, "/");
        AMQP.Connection.Close close = connectionClose(() -> open(u, "/"));
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - connection refused for user 'two-connections': user connection limit (1) is "
                + "reached", close.getReplyText());
    }

    @Test
    void aUserAtItsChannelLimitHasTheConnectionClosedOnTheNextChannelOpen() throws Exception {
        String u = user("two-channels");
        settings().setUserLimit(u, "max-channels", IntNode.valueOf(2));
        Connection c = open(u, "/");
        c.createChannel();
        c.createChannel();
        AMQP.Connection.Close close = connectionClose(c::createChannel);
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - number of channels opened for user 'two-channels' has reached the maximum "
                + "allowed user limit of (2)", close.getReplyText());
        settings().clearUserLimit(u, "max-channels");
        Connection free = open(u, "/");
        for (int i = 0; i < 3; i++) {
            free.createChannel();
        }
        assertTrue(free.isOpen());
    }
}
