package io.warren.broker.channel;

import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.RunningBroker;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redeclaring a queue with x-arguments of other AMQP types, and x-queue-type: what RabbitMQ 3.10 accepts and its
 * exact refusals.
 */
class QueueArgumentEquivalenceTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.connect();
    final Channel ch = broker.channel(conn);

    private String declared(Map<String, Object> arguments) throws Exception {
        String q = unique("args");
        ch.queueDeclare(q, false, false, false, arguments);
        return q;
    }

    private AMQP.Channel.Close redeclareRefused(String q, Map<String, Object> arguments) {
        Channel other = broker.channel(conn);
        return channelClose(() -> other.queueDeclare(q, false, false, false, arguments));
    }

    @Test
    void aDoubleWhereAnIntegerWasDeclaredIsInequivalent() throws Exception {
        String q = declared(Map.of("x-message-ttl", 10));
        AMQP.Channel.Close close = redeclareRefused(q, Map.of("x-message-ttl", 10.0d));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '" + q + "' in vhost '/': "
                + "received '10.0' but current is '10'", close.getReplyText());
    }

    @Test
    void aFloatWhereAnIntegerWasDeclaredIsInequivalent() throws Exception {
        String q = declared(Map.of("x-max-length", 10));
        AMQP.Channel.Close close = redeclareRefused(q, Map.of("x-max-length", 10.0f));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q + "' in vhost '/': "
                + "received '10.0' but current is '10'", close.getReplyText());
    }

    @Test
    void aDecimalWhereAnIntegerWasDeclaredIsInequivalent() throws Exception {
        String q = declared(Map.of("x-max-length", 10));
        AMQP.Channel.Close close = redeclareRefused(q, Map.of("x-max-length", new BigDecimal("10")));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q + "' in vhost '/': "
                + "received '{0,10}' but current is '10'", close.getReplyText());
    }

    @Test
    void integersOfAnyWidthWithTheSameValueAreEquivalent() throws Exception {
        String q = declared(Map.of("x-message-ttl", 10));
        assertNotNull(ch.queueDeclare(q, false, false, false, Map.of("x-message-ttl", 10L)));
        assertNotNull(ch.queueDeclare(q, false, false, false, Map.of("x-message-ttl", (short) 10)));
        assertNotNull(ch.queueDeclare(q, false, false, false, Map.of("x-message-ttl", (byte) 10)));
    }

    @Test
    void aFloatAndADoubleOfTheSameValueAreEquivalent() throws Exception {
        String q = unique("floats");
        // an argument RabbitMQ holds redeclarations to, but does not check the type of
        ch.queueDeclare(q, false, false, false, Map.of("x-queue-version", 2.5d));
        assertNotNull(ch.queueDeclare(q, false, false, false, Map.of("x-queue-version", 2.5f)));
    }

    @Test
    void aMissingArgumentIsReportedWithTheTypeOfTheOneInForce() throws Exception {
        String q = declared(Map.of("x-max-length", 10));
        AMQP.Channel.Close close = redeclareRefused(q, Map.of());
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q + "' in vhost '/': "
                + "received none but current is the value '10' of type 'signedint'", close.getReplyText());
    }

    @Test
    void anAddedArgumentIsReportedWithItsType() throws Exception {
        String q = declared(Map.of());
        AMQP.Channel.Close close = redeclareRefused(q, Map.of("x-max-length", 10L));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q + "' in vhost '/': "
                + "received the value '10' of type 'long' but current is none", close.getReplyText());
    }

    // ---- x-queue-type ----

    @Test
    void aClassicQueueMayBeRedeclaredWithOrWithoutItsType() throws Exception {
        String typed = declared(Map.of("x-queue-type", "classic"));
        assertNotNull(ch.queueDeclare(typed, false, false, false, Map.of()));
        String untyped = declared(Map.of());
        assertNotNull(ch.queueDeclare(untyped, false, false, false, Map.of("x-queue-type", "classic")));
    }

    @Test
    void anUnknownQueueTypeIsRefusedWith406() {
        String q = unique("fancy");
        AMQP.Channel.Close close = channelClose(
                () -> ch.queueDeclare(q, false, false, false, Map.of("x-queue-type", "fancy")));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': "
                + "\"unsupported queue type 'fancy'\"", close.getReplyText());
    }

    @Test
    void aQueueTypeThatIsNotAStringIsRefusedWith406() {
        String q = unique("typed");
        AMQP.Channel.Close close = channelClose(
                () -> ch.queueDeclare(q, false, false, false, Map.of("x-queue-type", 1)));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': "
                + "{unacceptable_type,signedint}", close.getReplyText());
    }

    @Test
    void quorumQueuesAreRefusedAsNotSupportedYetInsteadOfBecomingClassic() throws Exception {
        assertRefused("quorum", "quorum queues are not supported by Warren yet; declare the queue as classic (see "
                + "docs/quorum.md)");
    }

    @Test
    void aStreamIsDeclaredAsAStreamNotAsAClassicQueue() throws Exception {
        String q = unique("stream");
        ch.queueDeclare(q, true, false, false, Map.of("x-queue-type", "stream"));
        assertEquals("stream", broker.broker().vhost("/").queue(q).type().toString());
        Channel other = broker.channel(conn);
        AMQP.Channel.Close close = channelClose(() -> other.queueDeclare(q, true, false, false,
                Map.of("x-queue-type", "classic")));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + q + "' in vhost '/': "
                + "received 'classic' but current is 'stream'", close.getReplyText());
    }

    @Test
    void redeclaringAClassicQueueWithAnotherTypeIsAnInequivalentArg() throws Exception {
        String untyped = declared(Map.of());
        String typed = declared(Map.of("x-queue-type", "classic"));
        AMQP.Channel.Close close = redeclareRefused(untyped, Map.of("x-queue-type", "quorum"));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + untyped + "' in vhost '/': "
                + "received the value 'quorum' of type 'longstr' but current is none", close.getReplyText());
        close = redeclareRefused(typed, Map.of("x-queue-type", "stream"));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + typed + "' in vhost '/': "
                + "received 'stream' but current is 'classic'", close.getReplyText());
    }

    private void assertRefused(String type, String reason) throws Exception {
        String q = unique(type);
        AMQP.Channel.Close close = channelClose(
                () -> ch.queueDeclare(q, true, false, false, Map.of("x-queue-type", type)));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': "
                + "\"" + reason + "\"", close.getReplyText());
        Channel check = broker.channel(conn);
        assertEquals(404, channelClose(() -> check.queueDeclarePassive(q)).getReplyCode(), "it was declared");
    }
}
