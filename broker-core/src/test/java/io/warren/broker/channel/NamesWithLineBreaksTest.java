package io.warren.broker.channel;

import static io.warren.broker.TestMessages.get;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.RunningBroker;
import io.warren.broker.vhost.VirtualHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Carriage returns and line feeds in queue and exchange names: dropped by the methods that RabbitMQ strips them in
 * (declare, delete, bind, unbind), kept by those it does not (publish, consume, get, purge).
 */
class NamesWithLineBreaksTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.connect();
    final Channel ch = broker.channel(conn);

    static VirtualHost vhost() {
        return broker.broker().vhost("/");
    }

    private static String broken(String name) {
        return name.substring(0, 3) + "\r\n" + name.substring(3) + "\n";
    }

    @Test
    void aQueueDeclaredWithLineBreaksInItsNameIsNamedWithoutThem() throws Exception {
        String q = unique("queue");
        AMQP.Queue.DeclareOk ok = ch.queueDeclare(broken(q), false, false, false, null);
        assertEquals(q, ok.getQueue());
        assertNotNull(vhost().queue(q));
        assertEquals(q, ch.queueDeclarePassive(broken(q)).getQueue());
    }

    @Test
    void anExchangeDeclaredWithLineBreaksInItsNameIsNamedWithoutThem() throws Exception {
        String x = unique("exchange");
        ch.exchangeDeclare(broken(x), "fanout");
        assertNotNull(vhost().exchange(x));
        assertNotNull(ch.exchangeDeclarePassive(broken(x)));
        ch.exchangeDelete(broken(x));
        assertNull(vhost().exchange(x));
    }

    @Test
    void bindingAndUnbindingStripBothNames() throws Exception {
        String q = unique("bound");
        String x = unique("source");
        String other = unique("other");
        ch.queueDeclare(q, false, false, false, null);
        ch.exchangeDeclare(x, "fanout");
        ch.exchangeDeclare(other, "fanout");
        ch.queueBind(broken(q), broken(x), "");
        ch.exchangeBind(broken(x), broken(other), "");
        ch.basicPublish(other, "", null, utf8("through both"));
        assertEquals("through both", get(ch, q));
        ch.exchangeUnbind(broken(x), broken(other), "");
        ch.queueUnbind(broken(q), broken(x), "");
        ch.basicPublish(x, "", null, utf8("unbound"));
        assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
    }

    @Test
    void deletingAQueueStripsItsName() throws Exception {
        String q = unique("deleted");
        ch.queueDeclare(q, false, false, false, null);
        ch.queueDelete(broken(q));
        assertNull(vhost().queue(q));
    }

    @Test
    void publishingKeepsTheExchangeNameAsRabbitMqDoes() throws Exception {
        String x = unique("kept");
        ch.exchangeDeclare(x, "fanout");
        Channel publisher = broker.channel(conn);
        publisher.basicPublish(broken(x), "", null, utf8("x"));
        AMQP.Channel.Close close = awaitChannelClosed(publisher);
        assertEquals(404, close.getReplyCode());
    }

    @Test
    void consumingKeepsTheQueueNameAsRabbitMqDoes() throws Exception {
        String q = unique("kept");
        ch.queueDeclare(q, false, false, false, null);
        Channel consumer = broker.channel(conn);
        AMQP.Channel.Close close = channelClose(() -> consumer.basicConsume(broken(q), true, (t, d) -> { }, t -> { }));
        assertEquals(404, close.getReplyCode());
    }
}
