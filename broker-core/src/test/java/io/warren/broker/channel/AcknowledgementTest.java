package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.texts;
import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.channelClose;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AcknowledgementTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    /** A queue that outlives channels and connections of the test. */
    static String sharedQueue(Channel ch) throws Exception {
        return ch.queueDeclare("ack-" + System.nanoTime(), false, false, false, null).getQueue();
    }

    @Test
    void singleAcksRemoveExactlyTheAckedMessage() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(3));
            List<Deliveries.Delivery> got = d.next(3);
            assertEquals(List.of(1L, 2L, 3L), got.stream().map(Deliveries.Delivery::tag).toList());
            ch.basicAck(got.get(1).tag(), false); // out of order
            ch.basicRecover(true);
            List<Deliveries.Delivery> again = d.next(2);
            assertEquals(List.of("1", "3"), texts(again));
            assertTrue(again.get(0).redelivered());
            ch.basicAck(again.get(1).tag(), true);
            assertEquals(0, ready(ch, q));
        }
    }

    @Test
    void multipleAckSettlesEverythingUpToTheTag() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(5));
            List<Deliveries.Delivery> got = d.next(5);
            ch.basicAck(got.get(2).tag(), true); // 1..3
            ch.basicRecover(true);
            List<Deliveries.Delivery> again = d.next(2);
            assertEquals(List.of("4", "5"), texts(again));
            assertTrue(again.get(0).redelivered());
            ch.basicAck(0, true); // tag 0 with multiple: everything outstanding
            ch.basicRecover(true);
            assertNull(d.poll(100));
            assertEquals(0, ready(ch, q));
        }
    }

    @Test
    void nackWithRequeueRedeliversWithTheRedeliveredFlagInOriginalOrder() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicQos(3);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(5));
            List<Deliveries.Delivery> first = d.next(3);
            assertEquals(List.of("1", "2", "3"), texts(first));
            first.forEach(x -> assertFalse(x.redelivered()));
            ch.basicNack(first.get(2).tag(), true, true); // 1..3 back, ahead of 4 and 5
            List<Deliveries.Delivery> again = d.next(3);
            assertEquals(List.of("1", "2", "3"), texts(again));
            again.forEach(x -> assertTrue(x.redelivered(), x.text()));
            ch.basicAck(again.get(2).tag(), true);
            List<Deliveries.Delivery> rest = d.next(2);
            assertEquals(List.of("4", "5"), texts(rest));
            assertFalse(rest.get(0).redelivered());
            ch.basicAck(rest.get(1).tag(), true);
        }
    }

    @Test
    void singleNackWithRequeueGoesBackToItsPlaceAmongReadyMessages() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, numbered(3));
            long tag1 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
            long tag2 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
            ch.basicNack(tag2, false, true);
            ch.basicReject(tag1, true);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, true, d);
            List<Deliveries.Delivery> got = d.next(3);
            assertEquals(List.of("1", "2", "3"), texts(got));
            assertEquals(List.of(true, true, false), got.stream().map(Deliveries.Delivery::redelivered).toList());
        }
    }

    @Test
    void nackAndRejectWithoutRequeueDropTheMessage() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, numbered(4));
            long t1 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
            long t2 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
            long t3 = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
            ch.basicReject(t1, false);
            ch.basicNack(t3, true, false); // t2 and t3
            ch.basicRecover(true);
            assertEquals(1, ready(ch, q));
            assertEquals("4", text(ch.basicGet(q, true)));
            assertTrue(t2 > t1);
        }
    }

    @Test
    void ackingAnUnknownDeliveryTagClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue();
        publish(ch, q, numbered(1));
        long tag = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
        ch.basicAck(tag + 10, false);
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("unknown delivery tag"), close.getReplyText());
        assertEquals(60, close.getClassId());
        assertEquals(80, close.getMethodId());
        try (Channel again = conn.createChannel()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(again, q) == 1); // requeued by the close
        }
    }

    @Test
    void ackingTheSameTagTwiceClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue();
        publish(ch, q, numbered(2));
        long tag = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
        ch.basicAck(tag, false);
        AMQP.Channel.Close close = channelClose(() -> {
            ch.basicAck(tag, false);
            ch.queueDeclarePassive(q);
        });
        assertEquals(406, close.getReplyCode());
    }

    @Test
    void rejectingAnUnknownDeliveryTagClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(() -> {
            ch.basicReject(99, true);
            ch.queueDeclare();
        });
        assertEquals(406, close.getReplyCode());
        assertEquals(90, close.getMethodId());
    }

    @Test
    void nackingAnUnknownDeliveryTagClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(() -> {
            ch.basicNack(7, true, true);
            ch.queueDeclare();
        });
        assertEquals(406, close.getReplyCode());
        assertEquals(120, close.getMethodId());
    }

    @Test
    void recoverWithRequeueRedeliversEverythingUnackedInOrder() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(4));
            List<Deliveries.Delivery> got = d.next(4);
            assertEquals(numbered(4), texts(got));
            ch.basicRecover(true);
            List<Deliveries.Delivery> again = d.next(4);
            assertEquals(numbered(4), texts(again));
            again.forEach(x -> assertTrue(x.redelivered()));
            ch.basicAck(again.get(3).tag(), true);
            assertEquals(0, ready(ch, q));
        }
    }

    @Test
    void unackedMessagesReturnInOriginalOrderWhenTheChannelCloses() throws Exception {
        Channel admin = conn.createChannel();
        String q = sharedQueue(admin);
        publish(admin, q, numbered(10));
        try (Channel ch = conn.createChannel()) {
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            assertEquals(numbered(10), texts(d.next(10)));
        }
        try (Channel ch = conn.createChannel()) {
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            List<Deliveries.Delivery> again = d.next(10);
            assertEquals(numbered(10), texts(again));
            again.forEach(x -> assertTrue(x.redelivered(), x.text()));
            ch.basicAck(again.get(9).tag(), true);
        }
        assertEquals(0, ready(admin, q));
        admin.queueDelete(q);
        admin.close();
    }

    @Test
    void unackedMessagesReturnInOriginalOrderWhenTheConnectionCloses() throws Exception {
        Channel admin = conn.createChannel();
        String q = sharedQueue(admin);
        publish(admin, q, numbered(10));
        try (Connection c = broker.connect()) {
            Channel ch = c.createChannel();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            List<Deliveries.Delivery> got = d.next(10);
            assertEquals(numbered(10), texts(got));
            ch.basicAck(got.get(4).tag(), false); // 5 is done; the rest are not
        }
        try (Connection c = broker.connect()) {
            Channel ch = c.createChannel();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            List<Deliveries.Delivery> again = d.next(9);
            assertEquals(List.of("1", "2", "3", "4", "6", "7", "8", "9", "10"), texts(again));
            again.forEach(x -> assertTrue(x.redelivered(), x.text()));
        }
        admin.queueDelete(q);
        admin.close();
    }

    @Test
    void unackedMessagesOfAnAbortedConnectionReturnAheadOfNewerOnes() throws Exception {
        Channel admin = conn.createChannel();
        String q = sharedQueue(admin);
        publish(admin, q, numbered(3));
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        Deliveries d = new Deliveries(ch);
        ch.basicConsume(q, false, d);
        d.next(3);
        publish(admin, q, List.of("4", "5"));
        await().atMost(Duration.ofSeconds(10)).until(() -> d.pending() == 2);
        c.abort(); // the socket just goes away: no close handshake
        await().atMost(Duration.ofSeconds(10)).until(() -> ready(admin, q) == 5);
        Deliveries again = new Deliveries(admin);
        admin.basicConsume(q, true, again);
        assertEquals(List.of("1", "2", "3", "4", "5"), texts(again.next(5)));
        admin.queueDelete(q);
        admin.close();
    }
}
