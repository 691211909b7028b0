package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.WireErrors.connectionClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

class QosTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    @Test
    void perConsumerPrefetchLimitsUnackedDeliveriesUntilAnAck() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicQos(2); // global=false: per consumer
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(1, 5));
            List<Deliveries.Delivery> first = d.next(2);
            assertEquals(List.of("1", "2"), first.stream().map(Deliveries.Delivery::text).toList());
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q) == 3);
            assertNull(d.poll(200), "a third delivery exceeded prefetch 2");
            ch.basicAck(first.get(0).tag(), false);
            Deliveries.Delivery third = d.next();
            assertEquals("3", third.text());
            assertNull(d.poll(200));
            ch.basicAck(third.tag(), true); // 2 and 3: two more may come
            assertEquals(List.of("4", "5"), d.next(2).stream().map(Deliveries.Delivery::text).toList());
        }
    }

    @Test
    void perConsumerPrefetchAppliesToEachConsumerSeparately() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q1 = ch.queueDeclare().getQueue();
            String q2 = ch.queueDeclare().getQueue();
            ch.basicQos(1, false);
            Deliveries a = new Deliveries(ch);
            Deliveries b = new Deliveries(ch);
            ch.basicConsume(q1, false, a);
            ch.basicConsume(q2, false, b);
            publish(ch, q1, numbered(1, 3));
            publish(ch, q2, numbered(1, 3));
            assertEquals("1", a.next().text());
            assertEquals("1", b.next().text());
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q1) == 2 && ready(ch, q2) == 2);
            assertNull(a.poll(100));
            assertNull(b.poll(100));
        }
    }

    @Test
    void prefetchAppliesToConsumersStartedAfterTheQos() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, numbered(1, 10));
            Deliveries unlimited = new Deliveries(ch);
            ch.basicConsume(q, false, unlimited);
            assertEquals(10, unlimited.next(10).size());
        }
    }

    @Test
    void globalPrefetchLimitsTheWholeChannel() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q1 = ch.queueDeclare().getQueue();
            String q2 = ch.queueDeclare().getQueue();
            ch.basicQos(3, true);
            Deliveries a = new Deliveries(ch);
            Deliveries b = new Deliveries(ch);
            ch.basicConsume(q1, false, a);
            ch.basicConsume(q2, false, b);
            publish(ch, q1, numbered(1, 5));
            publish(ch, q2, numbered(1, 5));
            await().atMost(Duration.ofSeconds(10)).until(() -> a.pending() + b.pending() == 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q1) + ready(ch, q2) == 7);
            Thread.sleep(200); // give an excess delivery the chance to show up
            assertEquals(3, a.pending() + b.pending(), "nothing more arrived");
            Deliveries.Delivery any = a.pending() > 0 ? a.next() : b.next();
            ch.basicAck(any.tag(), false);
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q1) + ready(ch, q2) == 6);
            assertEquals(3, a.pending() + b.pending());
        }
    }

    @Test
    void perConsumerAndGlobalLimitsCombine() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicQos(5, true);
            ch.basicQos(2, false);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(1, 4));
            d.next(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q) == 2);
            assertNull(d.poll(100), "the tighter per-consumer limit applies");
        }
    }

    @Test
    void prefetchZeroMeansUnlimited() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicQos(1);
            ch.basicQos(0);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(1, 20));
            assertEquals(20, d.next(20).size());
        }
    }

    @Test
    void nackWithRequeueGivesPrefetchCreditBack() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicQos(1);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            publish(ch, q, numbered(1, 2));
            Deliveries.Delivery one = d.next();
            ch.basicNack(one.tag(), false, true);
            Deliveries.Delivery again = d.next();
            assertEquals("1", again.text());
            assertTrue(again.redelivered());
            ch.basicReject(again.tag(), false);
            assertEquals("2", d.next().text());
        }
    }

    @Test
    void aNackedMessageComesBackBeforeTheMessagesBehindItEveryTime() throws Exception {
        // the nack's credit must not reach the queue before the message does: 200 rounds make the race show
        for (int round = 0; round < 200; round++) {
            try (Channel ch = conn.createChannel()) {
                String q = ch.queueDeclare().getQueue();
                ch.basicQos(1);
                Deliveries d = new Deliveries(ch);
                ch.basicConsume(q, false, d);
                publish(ch, q, numbered(1, 2));
                Deliveries.Delivery one = d.next();
                ch.basicNack(one.tag(), false, true);
                assertEquals("1", d.next().text(), "round " + round);
            }
        }
    }

    @Test
    void aGlobalLimitSetAfterDeliveriesIsNotWidenedByTheirAcks() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q1 = ch.queueDeclare().getQueue();
            String q2 = ch.queueDeclare().getQueue();
            Deliveries early = new Deliveries(ch);
            ch.basicConsume(q1, false, early);
            publish(ch, q1, numbered(1, 3));
            early.next(3); // delivered while the channel had no limit
            ch.basicQos(1, true);
            ch.basicAck(0, true);
            Deliveries late = new Deliveries(ch);
            ch.basicConsume(q2, false, late);
            publish(ch, q2, numbered(1, 5));
            assertEquals("1", late.next().text());
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q2) <= 4);
            Thread.sleep(200); // give an excess delivery the chance to show up
            assertEquals(0, late.pending(), "the channel-wide limit of 1 was exceeded");
            assertEquals(4, ready(ch, q2));
        }
    }

    @Test
    void aNonZeroPrefetchSizeClosesTheConnectionWith540() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        AMQP.Connection.Close close = connectionClose(() -> ch.basicQos(1024, 10, false));
        assertEquals(540, close.getReplyCode());
        assertEquals(60, close.getClassId());
        assertEquals(10, close.getMethodId());
    }
}
