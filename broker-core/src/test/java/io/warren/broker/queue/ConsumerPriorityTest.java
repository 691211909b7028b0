package io.warren.broker.queue;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consumer priorities (basic.consume x-priority), over the wire. */
class ConsumerPriorityTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    private static Deliveries consume(Channel ch, String q, int prefetch, Object priority) throws IOException {
        ch.basicQos(prefetch);
        Deliveries d = new Deliveries(ch);
        ch.basicConsume(q, false, priority == null ? Map.of() : Map.of("x-priority", priority), d);
        return d;
    }

    @Test
    void theHighPriorityConsumerGetsMessagesUntilItsPrefetchIsFullThenTheLowerOneGetsTheRest() throws Exception {
        Channel publisher = conn.createChannel();
        String q = publisher.queueDeclare().getQueue();
        Channel lowCh = conn.createChannel();
        Channel highCh = conn.createChannel();
        Deliveries low = consume(lowCh, q, 0, null);
        Deliveries high = consume(highCh, q, 5, 10);

        publish(publisher, q, numbered(1, 20));

        List<Deliveries.Delivery> toHigh = high.next(5);
        assertEquals(numbered(1, 5), toHigh.stream().map(Deliveries.Delivery::text).toList());
        assertEquals(numbered(6, 20), low.texts(15));
        assertNull(high.poll(200), "the high-priority consumer went over its prefetch");

        // credit back at the high-priority consumer: new messages go to it again
        highCh.basicAck(toHigh.get(4).tag(), true);
        publish(publisher, q, numbered(21, 25));
        assertEquals(numbered(21, 25), high.texts(5));
        assertNull(low.poll(200), "the low-priority consumer got a message while a higher one had credit");
    }

    @Test
    void consumersOfTheSameHighestPriorityTakeTurnsAndLowerOnesGetNothing() throws Exception {
        Channel publisher = conn.createChannel();
        String q = publisher.queueDeclare().getQueue();
        Deliveries low = consume(conn.createChannel(), q, 0, -5);
        Deliveries a = consume(conn.createChannel(), q, 0, 3);
        Deliveries b = consume(conn.createChannel(), q, 0, 3L);
        Deliveries zero = consume(conn.createChannel(), q, 0, null);

        publish(publisher, q, numbered(1, 40));

        List<String> fromA = a.texts(20);
        List<String> fromB = b.texts(20);
        Set<String> all = new HashSet<>(fromA);
        all.addAll(fromB);
        assertEquals(new HashSet<>(numbered(1, 40)), all);
        assertNull(low.poll(200));
        assertNull(zero.poll(0));
    }

    @Test
    void aNonIntegerConsumerPriorityIsRefused() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue();
        IOException e = assertThrows(IOException.class,
                () -> ch.basicConsume(q, false, Map.of("x-priority", "high"), new Deliveries(ch)));
        PriorityQueueTest.assertRefused(e, "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '" + q
                + "' in vhost '/': \"expected integer, got longstr\"");
    }

    @Test
    void aVoidConsumerPriorityIsRefusedLikeAnyOtherNonInteger() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue();
        Map<String, Object> arguments = new java.util.HashMap<>();
        arguments.put("x-priority", null); // sent as a void field value
        IOException e = assertThrows(IOException.class, () -> ch.basicConsume(q, false, arguments, new Deliveries(ch)));
        PriorityQueueTest.assertRefused(e, "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '" + q
                + "' in vhost '/': \"expected integer, got void\"");
    }

    @Test
    void whenTheHighPriorityConsumerGoesTheLowerOneReceivesItsRequeuedMessagesFirst() throws Exception {
        Channel publisher = conn.createChannel();
        String q = publisher.queueDeclare().getQueue();
        Deliveries low = consume(conn.createChannel(), q, 0, 1);
        Channel highCh = conn.createChannel();
        Deliveries high = consume(highCh, q, 3, 2);
        publish(publisher, q, numbered(1, 3));
        assertEquals(numbered(1, 3), high.texts(3));
        await().atMost(Duration.ofSeconds(5)).until(() -> ready(publisher, q) == 0);

        highCh.close();

        List<Deliveries.Delivery> got = low.next(3);
        assertEquals(numbered(1, 3), got.stream().map(Deliveries.Delivery::text).toList());
        assertTrue(got.stream().allMatch(Deliveries.Delivery::redelivered));
    }
}
