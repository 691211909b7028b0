package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.publishTo;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import io.warren.broker.RunningBroker;
import io.warren.broker.vhost.VirtualHost;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** queue.bind, queue.unbind, queue.purge and queue.delete. */
class QueueBindPurgeDeleteTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.connect();
    final Channel ch = broker.channel(conn);

    static VirtualHost vhost() {
        return broker.broker().vhost("/");
    }

    private String declared() throws Exception {
        String q = unique("q");
        ch.queueDeclare(q, false, false, false, null);
        return q;
    }

    // ---- bind / unbind ----

    @Test
    void bindingToAMissingExchangeFailsWith404() throws Exception {
        String q = declared();
        String x = unique("missing");
        AMQP.Channel.Close close = channelClose(() -> ch.queueBind(q, x, "k"));
        assertEquals(404, close.getReplyCode());
        assertEquals("NOT_FOUND - no exchange '" + x + "' in vhost '/'", close.getReplyText());
    }

    @Test
    void bindingAMissingQueueFailsWith404() {
        String q = unique("missing");
        AMQP.Channel.Close close = channelClose(() -> ch.queueBind(q, "amq.direct", "k"));
        assertEquals(404, close.getReplyCode());
        assertEquals("NOT_FOUND - no queue '" + q + "' in vhost '/'", close.getReplyText());
    }

    @Test
    void bindingToTheDefaultExchangeIsRefusedWith403() throws Exception {
        String q = declared();
        assertEquals(403, channelClose(() -> ch.queueBind(q, "", "k")).getReplyCode());
    }

    @Test
    void unbindingStopsDeliveryOnThatKeyOnly() throws Exception {
        String q = declared();
        ch.queueBind(q, "amq.direct", "one");
        ch.queueBind(q, "amq.direct", "two");
        ch.queueUnbind(q, "amq.direct", "one");
        publishTo(ch, "amq.direct", "one", numbered("m", 1));
        publishTo(ch, "amq.direct", "two", numbered("m", 1));
        assertEquals(1, ch.queueDeclarePassive(q).getMessageCount());
        assertEquals("two", ch.basicGet(q, true).getEnvelope().getRoutingKey());
    }

    @Test
    void unbindingABindingThatDoesNotExistSucceeds() throws Exception {
        String q = declared();
        assertNotNull(ch.queueUnbind(q, "amq.direct", "never-bound"));
        assertTrue(ch.isOpen());
    }

    @Test
    void unbindingAQueueThatDoesNotExistSucceeds() throws Exception {
        assertNotNull(ch.queueUnbind(unique("missing"), "amq.direct", "k"));
        assertTrue(ch.isOpen());
    }

    @Test
    void unbindingFromAnExchangeThatDoesNotExistSucceeds() throws Exception {
        String q = declared();
        assertNotNull(ch.queueUnbind(q, unique("missing"), "k"));
        assertNotNull(ch.queueUnbind(unique("missing"), unique("missing"), "k"));
        assertTrue(ch.isOpen());
    }

    @Test
    void unbindingFromTheDefaultExchangeIsRefusedWith403EvenForAMissingQueue() {
        AMQP.Channel.Close close = channelClose(() -> ch.queueUnbind(unique("missing"), "", "k"));
        assertEquals(403, close.getReplyCode());
        assertEquals("ACCESS_REFUSED - operation not permitted on the default exchange", close.getReplyText());
    }

    @Test
    void unbindingWithTheEmptyQueueNameAndKeyUsesTheLastQueueDeclaredForBoth() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.queueBind("", "amq.direct", "");
        ch.queueUnbind("", "amq.direct", "");
        publishTo(ch, "amq.direct", q, numbered("m", 1));
        assertEquals(0, ch.queueDeclarePassive(q).getMessageCount(), "the binding under the queue's name is gone");
    }

    @Test
    void theEmptyQueueNameMeansTheLastQueueDeclaredOnTheChannel() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.queueBind("", "amq.direct", "last");
        publishTo(ch, "amq.direct", "last", numbered("m", 1));
        assertEquals(1, ch.queueDeclarePassive(q).getMessageCount());
    }

    // ---- purge ----

    @Test
    void purgeRemovesReadyMessagesAndReturnsHowMany() throws Exception {
        String q = declared();
        publish(ch, q, numbered("m", 5));
        assertEquals(5, ch.queuePurge(q).getMessageCount());
        assertNull(ch.basicGet(q, true));
        assertEquals(0, ch.queuePurge(q).getMessageCount());
    }

    @Test
    void purgeLeavesUnacknowledgedMessagesAlone() throws Exception {
        String q = declared();
        publish(ch, q, numbered("m", 3));
        long tag = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
        assertEquals(2, ch.queuePurge(q).getMessageCount());
        ch.basicReject(tag, true);
        assertEquals("m0", text(ch.basicGet(q, true)));
    }

    @Test
    void purgingAMissingQueueFailsWith404() {
        assertEquals(404, channelClose(() -> ch.queuePurge(unique("missing"))).getReplyCode());
    }

    // ---- delete ----

    @Test
    void deleteReturnsTheNumberOfMessagesAndRemovesTheQueue() throws Exception {
        String q = declared();
        publish(ch, q, numbered("m", 4));
        assertEquals(4, ch.queueDelete(q).getMessageCount());
        assertNull(vhost().queue(q));
        assertEquals(404, channelClose(() -> ch.queueDeclarePassive(q)).getReplyCode());
    }

    @Test
    void deletingAMissingQueueSucceeds() throws Exception {
        assertEquals(0, ch.queueDelete(unique("missing")).getMessageCount());
        assertTrue(ch.isOpen());
    }

    @Test
    void deletingAQueueRemovesItsBindings() throws Exception {
        String q = declared();
        ch.queueBind(q, "amq.topic", "#");
        ch.queueDelete(q);
        assertTrue(vhost().bindings().stream().noneMatch(b -> b.destination().name().equals(q)));
    }

    @Test
    void deletingIfUnusedWhileItHasAConsumerFailsWith406() throws Exception {
        String q = declared();
        Channel consumer = conn.createChannel();
        consumer.basicConsume(q, true, new DefaultConsumer(consumer));
        AMQP.Channel.Close close = channelClose(() -> ch.queueDelete(q, true, false));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - queue '" + q + "' in vhost '/' in use", close.getReplyText());
        assertNotNull(vhost().queue(q));
    }

    @Test
    void deletingIfEmptyWhileItHasMessagesFailsWith406() throws Exception {
        String q = declared();
        publish(ch, q, numbered("m", 1));
        AMQP.Channel.Close close = channelClose(() -> ch.queueDelete(q, false, true));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - queue '" + q + "' in vhost '/' is not empty", close.getReplyText());
        assertNotNull(vhost().queue(q));
    }

    @Test
    void deletingIfUnusedAndIfEmptyAnIdleEmptyQueueSucceeds() throws Exception {
        String q = declared();
        assertEquals(0, ch.queueDelete(q, true, true).getMessageCount());
        assertNull(vhost().queue(q));
    }

    @Test
    void deletingAQueueCancelsItsConsumers() throws Exception {
        String q = declared();
        Channel consumerChannel = conn.createChannel();
        AtomicBoolean cancelled = new AtomicBoolean();
        consumerChannel.basicConsume(q, true, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleCancel(String consumerTag) {
                cancelled.set(true);
            }
        });
        ch.queueDelete(q);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilTrue(cancelled);
        assertTrue(consumerChannel.isOpen());
    }

    @Test
    void aDeletedQueueNoLongerReceivesFromItsExchange() throws Exception {
        String q = declared();
        ch.queueBind(q, "amq.fanout", "");
        ch.queueDelete(q);
        ch.queueDeclare(q, false, false, false, null);
        publishTo(ch, "amq.fanout", "", numbered("m", 1));
        assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
    }
}
