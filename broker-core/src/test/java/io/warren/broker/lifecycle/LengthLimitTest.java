package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** x-max-length, x-max-length-bytes and the three x-overflow behaviours, over the wire. */
class LengthLimitTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    /** Confirm tags as the broker confirmed them, one by one (multiple acks expanded). */
    static final class Confirms implements ConfirmListener {
        final SortedSet<Long> acked = new TreeSet<>();
        final SortedSet<Long> nacked = new TreeSet<>();
        private long last;

        @Override
        public synchronized void handleAck(long tag, boolean multiple) {
            record(acked, tag, multiple);
        }

        @Override
        public synchronized void handleNack(long tag, boolean multiple) {
            record(nacked, tag, multiple);
        }

        private void record(SortedSet<Long> into, long tag, boolean multiple) {
            for (long t = multiple ? last + 1 : tag; t <= tag; t++) {
                into.add(t);
            }
            last = Math.max(last, tag);
        }

        synchronized int total() {
            return acked.size() + nacked.size();
        }
    }

    @Test
    void dropHeadKeepsTheNewestMessages() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("max"), false, false, false, Map.of("x-max-length", 3)).getQueue();
        publish(ch, q, numbered(1, 10));
        await().until(() -> ch.messageCount(q) == 3);
        assertEquals(List.of("8", "9", "10"), drain(ch, q));
    }

    @Test
    void droppedHeadMessagesAreDeadLetteredAsMaxlen() throws Exception {
        Channel ch = broker.channel();
        String dlq = ch.queueDeclare().getQueue();
        String q = ch.queueDeclare(unique("max"), false, false, false, Map.of("x-max-length", 1,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq)).getQueue();
        publish(ch, q, "first", "second");
        GetResponse dead = await().until(() -> ch.basicGet(dlq, true), r -> r != null);
        assertEquals("first", text(dead));
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("maxlen", death.get("reason").toString());
        assertEquals(List.of("second"), drain(ch, q));
    }

    @Test
    void maxLengthBytesCountsBodyBytes() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("bytes"), false, false, false, Map.of("x-max-length-bytes", 25))
                .getQueue();
        for (int i = 0; i < 5; i++) {
            ch.basicPublish("", q, null, new byte[10]);
        }
        await().until(() -> ch.messageCount(q) == 2);
    }

    @Test
    void rejectPublishNacksExactlyTheRefusedMessages() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("full"), false, false, false,
                Map.of("x-max-length", 5, "x-overflow", "reject-publish")).getQueue();
        Confirms confirms = new Confirms();
        ch.addConfirmListener(confirms);
        ch.confirmSelect();
        publish(ch, q, numbered(1, 8));
        await().atMost(Duration.ofSeconds(10)).until(() -> confirms.total() == 8);
        assertEquals(new TreeSet<>(List.of(1L, 2L, 3L, 4L, 5L)), confirms.acked);
        assertEquals(new TreeSet<>(List.of(6L, 7L, 8L)), confirms.nacked);
        assertEquals(numbered(1, 5), drain(ch, q), "the queue kept the oldest");
    }

    @Test
    void rejectPublishAcceptsAgainOnceThereIsRoom() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("full"), false, false, false,
                Map.of("x-max-length", 1, "x-overflow", "reject-publish")).getQueue();
        ch.confirmSelect();
        publish(ch, q, "in");
        assertTrue(ch.waitForConfirms(5_000));
        publish(ch, q, "refused");
        assertTrue(!ch.waitForConfirms(5_000), "nacked");
        assertEquals("in", text(ch.basicGet(q, true)));
        publish(ch, q, "room again");
        assertTrue(ch.waitForConfirms(5_000));
        assertEquals(List.of("room again"), drain(ch, q));
    }

    @Test
    void rejectPublishDlxDeadLettersTheRefusedMessage() throws Exception {
        Channel ch = broker.channel();
        String dlq = ch.queueDeclare().getQueue();
        String q = ch.queueDeclare(unique("full"), false, false, false, Map.of("x-max-length", 1,
                "x-overflow", "reject-publish-dlx", "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq))
                .getQueue();
        publish(ch, q, "kept", "refused");
        GetResponse dead = await().until(() -> ch.basicGet(dlq, true), r -> r != null);
        assertEquals("refused", text(dead));
        assertEquals(List.of("kept"), drain(ch, q));
    }

    @Test
    void aMessageRoutedToAFullAndAnOpenQueueIsNacked() throws Exception {
        // as in RabbitMQ, the publisher hears a nack although the open queue took the message
        Channel ch = broker.channel();
        String x = unique("fan");
        ch.exchangeDeclare(x, "fanout");
        String full = ch.queueDeclare(unique("full"), false, false, false,
                Map.of("x-max-length", 0, "x-overflow", "reject-publish")).getQueue();
        String open = ch.queueDeclare().getQueue();
        ch.queueBind(full, x, "");
        ch.queueBind(open, x, "");
        ch.confirmSelect();
        ch.basicPublish(x, "", null, utf8("m"));
        assertTrue(!ch.waitForConfirms(5_000));
        assertEquals(1, ch.messageCount(open));
    }

    @Test
    void anUnknownOverflowIsRefused() {
        AMQP.Channel.Close close = channelClose(() -> broker.channel().queueDeclare(unique("q"), false, false, false,
                Map.of("x-overflow", "drop-tail")));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("x-overflow"), close.getReplyText());
    }

    @Test
    void rejectPublishByBytesRefusesAMessageThatWouldGoOverTheLimit() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("bytes"), false, false, false,
                Map.of("x-max-length-bytes", 100, "x-overflow", "reject-publish")).getQueue();
        ch.confirmSelect();
        ch.basicPublish("", q, null, new byte[60]);
        assertTrue(ch.waitForConfirms(5_000));
        ch.basicPublish("", q, null, new byte[50]);
        assertTrue(!ch.waitForConfirms(5_000), "60 + 50 bytes would be over 100");
        ch.basicPublish("", q, null, new byte[40]);
        assertTrue(ch.waitForConfirms(5_000), "60 + 40 fits");
        assertEquals(2, ch.messageCount(q));
    }
}
