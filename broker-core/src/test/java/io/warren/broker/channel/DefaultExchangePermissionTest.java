package io.warren.broker.channel;

import static io.warren.broker.WireErrors.awaitChannelClosed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

/** The default exchange ("") is "amq.default" to write permissions, as in RabbitMQ. */
class DefaultExchangePermissionTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @BeforeAll
    static void users() {
        var access = new BrokerAdmin(broker.broker()).access();
        // the queue is declared by guest; these two may only write
        access.putUser("sender", "sender", null, null, Set.of());
        access.setPermission("sender", "/", "", "^amq\\.default$", "^orders$");
        access.putUser("ordersonly", "ordersonly", null, null, Set.of());
        access.setPermission("ordersonly", "/", "", "^orders$", "^orders$");
    }

    private static Channel channelOf(String user) throws Exception {
        ConnectionFactory f = broker.factory();
        f.setUsername(user);
        f.setPassword(user);
        Connection c = f.newConnection();
        return c.createChannel();
    }

    @Test
    void aWritePatternOfAmqDefaultAllowsPublishingToTheDefaultExchange() throws Exception {
        broker.channel().queueDeclare("orders", false, false, false, null);
        broker.channel().queuePurge("orders");
        Channel ch = channelOf("sender");
        ch.confirmSelect();
        ch.basicPublish("", "orders", null, "to the default exchange".getBytes(StandardCharsets.UTF_8));
        assertTrue(ch.waitForConfirms(10_000));
        assertNotNull(ch.basicGet("orders", true), "the message reached the queue");
    }

    @Test
    void aWritePatternThatOnlyNamesTheQueueDoesNotAllowTheDefaultExchange() throws Exception {
        broker.channel().queueDeclare("orders", false, false, false, null);
        Channel ch = channelOf("ordersonly");
        ch.basicPublish("", "orders", null, "refused".getBytes(StandardCharsets.UTF_8));
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(403, close.getReplyCode());
        assertEquals("ACCESS_REFUSED - write access to exchange 'amq.default' in vhost '/' refused for user "
                + "'ordersonly'", close.getReplyText());
    }
}
