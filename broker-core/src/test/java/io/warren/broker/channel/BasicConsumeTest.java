package io.warren.broker.channel;

import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.WireErrors.channelClose;
import static io.warren.broker.WireErrors.connectionClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BasicConsumeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    /** A server-named queue that, unlike queueDeclare()'s, survives the cancel of its last consumer. */
    static String keptQueue(Channel ch) throws Exception {
        return ch.queueDeclare("", false, true, false, null).getQueue();
    }

    @Test
    void anEmptyConsumerTagGetsAServerGeneratedOne() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            String tag = ch.basicConsume(q, true, "", d);
            String other = ch.basicConsume(q, true, "", new Deliveries(ch));
            assertTrue(tag.startsWith("amq.ctag-"), tag);
            assertTrue(tag.length() > "amq.ctag-".length() + 8, tag);
            assertFalse(tag.equals(other), "generated tags are unique");
            publish(ch, q, "one");
            Deliveries.Delivery got = d.next();
            assertEquals(tag, got.consumerTag());
        }
    }

    @Test
    void aClientChosenTagIsUsedAsIs() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            assertEquals("my-tag", ch.basicConsume(q, true, "my-tag", d));
            publish(ch, q, "m");
            assertEquals("my-tag", d.next().consumerTag());
        }
    }

    @Test
    void messagesPublishedBeforeTheConsumerArriveInOrderAfterConsumeOk() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            for (int i = 1; i <= 100; i++) {
                publish(ch, q, "m" + i);
            }
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, true, d);
            List<String> got = d.texts(100);
            for (int i = 1; i <= 100; i++) {
                assertEquals("m" + i, got.get(i - 1));
            }
        }
    }

    @Test
    void aSecondConsumerOnAQueueWithAnExclusiveConsumerIsRefusedWith403() throws Exception {
        try (Channel owner = conn.createChannel()) {
            String q = owner.queueDeclare().getQueue();
            owner.basicConsume(q, true, "exclusive-one", false, true, null, new Deliveries(owner));
            Channel other = conn.createChannel();
            AMQP.Channel.Close close = channelClose(() -> other.basicConsume(q, true, new Deliveries(other)));
            assertEquals(403, close.getReplyCode());
            assertTrue(close.getReplyText().contains("exclusive"), close.getReplyText());
            assertTrue(owner.isOpen());
            publish(owner, q, "still mine");
        }
    }

    @Test
    void anExclusiveConsumerIsRefusedWhenTheQueueAlreadyHasConsumers() throws Exception {
        try (Channel first = conn.createChannel()) {
            String q = first.queueDeclare().getQueue();
            first.basicConsume(q, true, new Deliveries(first));
            Channel second = conn.createChannel();
            AMQP.Channel.Close close = channelClose(
                    () -> second.basicConsume(q, true, "", false, true, null, new Deliveries(second)));
            assertEquals(403, close.getReplyCode());
        }
    }

    @Test
    void consumingFromAMissingQueueClosesTheChannelWith404() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(() -> ch.basicConsume("no-such-queue", true, new Deliveries(ch)));
        assertEquals(404, close.getReplyCode());
    }

    @Test
    void noAckConsumersLeaveNothingUnacked() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = keptQueue(ch);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, true, d);
            publish(ch, q, "a", "b", "c");
            assertEquals(List.of("a", "b", "c"), d.texts(3));
            ch.basicCancel(d.getConsumerTag());
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount(), "nothing went back to the queue");
        }
        // the channel closed with nothing to requeue
    }

    @Test
    void aCancelledConsumerGetsNoMoreDeliveries() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = keptQueue(ch);
            Deliveries d = new Deliveries(ch);
            String tag = ch.basicConsume(q, true, d);
            publish(ch, q, "before");
            assertEquals("before", d.next().text());
            ch.basicCancel(tag);
            assertTrue(d.cancelOk.await(10, TimeUnit.SECONDS));
            publish(ch, q, "after-1", "after-2");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ch.queueDeclarePassive(q).getMessageCount() == 2);
            assertEquals(0, ch.queueDeclarePassive(q).getConsumerCount());
            assertNull(d.poll(100));
            assertEquals("after-1", text(ch.basicGet(q, true)));
        }
    }

    @Test
    void cancellingWithManualAckKeepsEarlierDeliveriesAckable() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = keptQueue(ch);
            Deliveries d = new Deliveries(ch);
            String tag = ch.basicConsume(q, false, d);
            publish(ch, q, "x");
            Deliveries.Delivery x = d.next();
            ch.basicCancel(tag);
            ch.basicAck(x.tag(), false);
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void deletingTheQueueCancelsItsConsumersFromTheServerSide() throws Exception {
        Channel admin = conn.createChannel();
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare("consume-deleted-" + System.nanoTime(), false, false, false, null).getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            admin.queueDelete(q);
            assertTrue(d.cancelledByServer.await(10, TimeUnit.SECONDS), "handleCancel was not called");
            assertTrue(ch.isOpen(), "the channel stays open");
            assertEquals(404, channelClose(() -> admin.queueDeclarePassive(q)).getReplyCode());
        }
    }

    @Test
    void cancellingTheLastConsumerDeletesAnAutoDeleteQueue() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue(); // exclusive, auto-delete
        String tag = ch.basicConsume(q, true, new Deliveries(ch));
        ch.basicCancel(tag);
        assertEquals(404, channelClose(() -> ch.queueDeclarePassive(q)).getReplyCode());
    }

    @Test
    void twoConsumersOnOneQueueShareItRoundRobin() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries a = new Deliveries(ch);
            Deliveries b = new Deliveries(ch);
            ch.basicQos(1);
            ch.basicConsume(q, false, "a", a);
            ch.basicConsume(q, false, "b", b);
            publish(ch, q, "1", "2", "3", "4");
            Deliveries.Delivery a1 = a.next();
            Deliveries.Delivery b1 = b.next();
            assertEquals("1", a1.text());
            assertEquals("2", b1.text());
            ch.basicAck(a1.tag(), false);
            assertEquals("3", a.next().text());
            ch.basicAck(b1.tag(), false);
            assertEquals("4", b.next().text());
        }
    }

    @Test
    void withoutPrefetchTwoConsumersAlternate() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries a = new Deliveries(ch);
            Deliveries b = new Deliveries(ch);
            ch.basicConsume(q, true, "a", a);
            ch.basicConsume(q, true, "b", b);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                publish(ch, q, "m" + i);
                sent.add("m" + i);
            }
            List<String> toA = a.texts(5);
            List<String> toB = b.texts(5);
            assertEquals(List.of("m0", "m2", "m4", "m6", "m8"), toA);
            assertEquals(List.of("m1", "m3", "m5", "m7", "m9"), toB);
        }
    }

    @Test
    void reusingAConsumerTagOnAChannelClosesTheConnectionWith530() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        String q = ch.queueDeclare().getQueue();
        ch.basicConsume(q, true, "dup", new Deliveries(ch));
        AMQP.Connection.Close close = connectionClose(() -> ch.basicConsume(q, true, "dup", new Deliveries(ch)));
        assertEquals(530, close.getReplyCode());
        assertTrue(close.getReplyText().contains("dup"), close.getReplyText());
        assertFalse(c.isOpen());
    }

    @Test
    void theSameTagMayBeUsedOnAnotherChannel() throws Exception {
        try (Channel a = conn.createChannel(); Channel b = conn.createChannel()) {
            String q = a.queueDeclare().getQueue();
            a.basicConsume(q, true, "shared-tag", new Deliveries(a));
            Deliveries d = new Deliveries(b);
            b.basicConsume(q, true, "shared-tag", d);
            assertEquals(2, a.queueDeclarePassive(q).getConsumerCount());
        }
    }

    @Test
    void aTagMayBeReusedAfterItsConsumerWasCancelled() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = keptQueue(ch);
            ch.basicConsume(q, true, "again", new Deliveries(ch));
            ch.basicCancel("again");
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, true, "again", d);
            publish(ch, q, "hi");
            assertEquals("hi", d.next().text());
        }
    }
}
