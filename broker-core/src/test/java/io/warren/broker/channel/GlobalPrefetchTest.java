package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** basic.qos with global=true as RabbitMQ 3.10 has it: one window shared by every consumer of the channel. */
class GlobalPrefetchTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static final Duration LONG = Duration.ofSeconds(20);
    // one connection: the server-named queues are exclusive to it
    final Connection conn = broker.connect();

    @Test
    void aFullChannelWindowHoldsBackNoAckConsumersToo() throws Exception {
        Channel admin = broker.channel(conn);
        Channel ch = broker.channel(conn);
        String acked = ch.queueDeclare().getQueue();
        String auto = ch.queueDeclare().getQueue();
        ch.basicQos(1, true);
        Deliveries holder = new Deliveries(ch);
        ch.basicConsume(acked, false, holder);
        publish(admin, acked, "holds the only slot");
        Deliveries.Delivery held = holder.next();

        Deliveries noAck = new Deliveries(ch);
        ch.basicConsume(auto, true, noAck);
        publish(admin, auto, numbered(1, 3));
        await().atMost(LONG).until(() -> ready(admin, auto) == 3);
        assertNull(noAck.poll(300), "a no-ack delivery went out while the channel's window was full");

        ch.basicAck(held.tag(), false);
        // no-ack deliveries need room in the window but take none of it: all three go
        assertEquals(numbered(1, 3), noAck.texts(3));
    }

    @Test
    void noAckDeliveriesDoNotUseUpTheChannelWindow() throws Exception {
        Channel admin = broker.channel(conn);
        Channel ch = broker.channel(conn);
        String auto = ch.queueDeclare().getQueue();
        String acked = ch.queueDeclare().getQueue();
        ch.basicQos(1, true);
        Deliveries noAck = new Deliveries(ch);
        ch.basicConsume(auto, true, noAck);
        publish(admin, auto, numbered(1, 5));
        assertEquals(numbered(1, 5), noAck.texts(5));
        Deliveries d = new Deliveries(ch);
        ch.basicConsume(acked, false, d);
        publish(admin, acked, "still room for one");
        assertEquals("still room for one", d.next().text());
    }

    @Test
    void settingAGlobalPrefetchCountsTheMessagesAlreadyUnacked() throws Exception {
        Channel admin = broker.channel(conn);
        Channel ch = broker.channel(conn);
        String early = ch.queueDeclare().getQueue();
        String late = ch.queueDeclare().getQueue();
        Deliveries unlimited = new Deliveries(ch);
        ch.basicConsume(early, false, unlimited);
        publish(admin, early, numbered(1, 3));
        List<Deliveries.Delivery> three = unlimited.next(3); // unacked, delivered while there was no limit

        ch.basicQos(2, true);
        Deliveries limited = new Deliveries(ch);
        ch.basicConsume(late, false, limited);
        publish(admin, late, numbered(1, 2));
        await().atMost(LONG).until(() -> ready(admin, late) == 2);
        assertNull(limited.poll(300), "3 unacked on a channel with prefetch 2: nothing more may go out");

        ch.basicAck(three.get(0).tag(), false);
        Thread.sleep(300); // an excess delivery would show up by now
        assertEquals(0, limited.pending(), "2 unacked, prefetch 2: still full");
        assertEquals(2, ready(admin, late));

        ch.basicAck(three.get(1).tag(), false);
        assertEquals("1", limited.next().text());
        assertNull(limited.poll(300), "the window of 2 is full again");
    }

    @Test
    void loweringTheGlobalPrefetchBelowTheUnackedCountWaitsForEnoughAcks() throws Exception {
        Channel admin = broker.channel(conn);
        Channel ch = broker.channel(conn);
        String q = ch.queueDeclare().getQueue();
        ch.basicQos(4, true);
        Deliveries d = new Deliveries(ch);
        ch.basicConsume(q, false, d);
        publish(admin, q, numbered(1, 8));
        List<Deliveries.Delivery> four = d.next(4);
        await().atMost(LONG).until(() -> ready(admin, q) == 4);

        ch.basicQos(2, true);
        ch.basicAck(four.get(0).tag(), false);
        ch.basicAck(four.get(1).tag(), false);
        Thread.sleep(300);
        assertEquals(0, d.pending(), "2 unacked, prefetch 2: full");
        ch.basicAck(four.get(2).tag(), false);
        assertEquals("5", d.next().text());
        assertNull(d.poll(300));
        assertEquals(3, ready(admin, q));
    }

    @Test
    void raisingTheGlobalPrefetchDeliversMoreAtOnce() throws Exception {
        Channel admin = broker.channel(conn);
        Channel ch = broker.channel(conn);
        String q = ch.queueDeclare().getQueue();
        ch.basicQos(1, true);
        Deliveries d = new Deliveries(ch);
        ch.basicConsume(q, false, d);
        publish(admin, q, numbered(1, 5));
        assertEquals("1", d.next().text());
        await().atMost(LONG).until(() -> ready(admin, q) == 4);
        ch.basicQos(3, true);
        assertEquals(List.of("2", "3"), d.texts(2));
        assertNull(d.poll(300));
    }

    @Test
    void aFreedSlotGoesToEachQueueInTurn() throws Exception {
        Channel admin = broker.channel(conn);
        Channel ch = broker.channel(conn);
        String q1 = ch.queueDeclare().getQueue();
        String q2 = ch.queueDeclare().getQueue();
        ch.basicQos(1, true);
        Deliveries d = new Deliveries(ch);
        String tag1 = ch.basicConsume(q1, false, d);
        ch.basicConsume(q2, false, d);
        publish(admin, q1, numbered("a", 6));
        publish(admin, q2, numbered("b", 6));
        // both queues hold their backlog (one message is out): both consumers wait for the channel's slot
        await().atMost(LONG).until(() -> ready(admin, q1) + ready(admin, q2) == 11);

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Deliveries.Delivery x = d.next();
            order.add(x.consumerTag().equals(tag1) ? "q1" : "q2");
            ch.basicAck(x.tag(), false);
        }
        for (int i = 1; i < order.size(); i++) {
            if (order.get(i).equals(order.get(i - 1))) {
                throw new AssertionError("the freed slot did not go to the other queue: " + order);
            }
        }
    }
}
