package io.warren.broker.queue;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Queues with x-single-active-consumer, over the wire. */
class SingleActiveConsumerTest {
    private static final Map<String, Object> SAC = Map.of("x-single-active-consumer", true);

    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static Deliveries consume(Channel ch, String q, int prefetch, Map<String, Object> args)
            throws IOException {
        ch.basicQos(prefetch);
        Deliveries d = new Deliveries(ch);
        ch.basicConsume(q, false, args, d);
        return d;
    }

    private static List<String> texts(List<Deliveries.Delivery> ds) {
        return ds.stream().map(Deliveries.Delivery::text).toList();
    }

    @Test
    void onlyTheFirstRegisteredConsumerReceives() throws Exception {
        Connection conn = broker.connect();
        Channel publisher = conn.createChannel();
        String q = publisher.queueDeclare(unique("sac"), false, false, true, SAC).getQueue();
        Deliveries first = consume(conn.createChannel(), q, 0, Map.of());
        Deliveries second = consume(conn.createChannel(), q, 0, Map.of("x-priority", 10));

        publish(publisher, q, numbered(1, 30));

        assertEquals(numbered(1, 30), first.texts(30));
        assertNull(second.poll(300), "a waiting consumer received a message");
    }

    @Test
    void whenTheActiveConsumersChannelClosesTheNextTakesOverWithTheRequeuedMessagesInOrder() throws Exception {
        Connection conn = broker.connect();
        Channel publisher = conn.createChannel();
        String q = publisher.queueDeclare(unique("sac"), true, false, false, SAC).getQueue();
        Channel activeCh = broker.connect().createChannel();
        Deliveries active = consume(activeCh, q, 10, Map.of());
        Deliveries next = consume(broker.connect().createChannel(), q, 0, Map.of());

        publish(publisher, q, numbered(1, 50));
        // the active one acks the first 4, holds 6 unacked; 40 stay ready
        List<Deliveries.Delivery> got = active.next(10);
        assertEquals(numbered(1, 10), texts(got));
        activeCh.basicAck(got.get(3).tag(), true);
        assertEquals(numbered(11, 14), active.texts(4));
        assertNull(next.poll(200), "a waiting consumer received a message");

        activeCh.getConnection().close();

        List<Deliveries.Delivery> after = next.next(46);
        assertEquals(numbered(5, 50), texts(after));
        assertTrue(after.subList(0, 10).stream().allMatch(Deliveries.Delivery::redelivered),
                "the previous consumer's unacked messages come first, redelivered");
        assertFalse(after.get(10).redelivered());
        publisher.queueDelete(q);
    }

    @Test
    void afterACancelTheWaitingConsumerWithTheHighestPriorityTakesOver() throws Exception {
        Connection conn = broker.connect();
        Channel publisher = conn.createChannel();
        String q = publisher.queueDeclare(unique("sac"), false, false, true, SAC).getQueue();
        Channel firstCh = conn.createChannel();
        Deliveries first = consume(firstCh, q, 0, Map.of());
        Deliveries low = consume(conn.createChannel(), q, 0, Map.of("x-priority", 1));
        Deliveries high = consume(conn.createChannel(), q, 0, Map.of("x-priority", 5));
        Deliveries highToo = consume(conn.createChannel(), q, 0, Map.of("x-priority", 5));
        publish(publisher, q, numbered(1, 3));
        assertEquals(numbered(1, 3), first.texts(3));

        firstCh.basicCancel(first.getConsumerTag());
        publish(publisher, q, numbered(4, 6));

        assertEquals(numbered(4, 6), high.texts(3));
        assertNull(low.poll(200));
        assertNull(highToo.poll(0));
    }

    @Test
    void anExclusiveConsumerIsRefusedOnASingleActiveConsumerQueue() throws Exception {
        Channel ch = broker.connect().createChannel();
        String q = ch.queueDeclare(unique("sac"), false, false, true, SAC).getQueue();
        IOException e = assertThrows(IOException.class, () -> ch.basicConsume(q, false, "", false, true, Map.of(),
                new Deliveries(ch)));
        AMQP.Channel.Close close = (AMQP.Channel.Close) ((ShutdownSignalException) e.getCause()).getReason();
        assertEquals(403, close.getReplyCode());
        assertEquals("ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use", close.getReplyText());
    }

    @Test
    void aSingleActiveConsumerFlagThatIsNotABooleanIsRefused() throws Exception {
        Channel ch = broker.connect().createChannel();
        IOException e = assertThrows(IOException.class,
                () -> ch.queueDeclare("sac-bad", false, false, true, Map.of("x-single-active-consumer", "yes")));
        PriorityQueueTest.assertRefused(e, "PRECONDITION_FAILED - invalid arg 'x-single-active-consumer' for queue "
                + "'sac-bad' in vhost '/': {unacceptable_type,longstr}");
    }

    @Test
    void waitingConsumersAreReportedAsWaiting() throws Exception {
        Connection conn = broker.connect();
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare(unique("sac"), false, false, true, SAC).getQueue();
        Channel c1 = conn.createChannel();
        Channel c2 = conn.createChannel();
        Deliveries first = consume(c1, q, 0, Map.of());
        consume(c2, q, 0, Map.of());

        List<String> statuses = new ArrayList<>();
        for (var c : new BrokerAdmin(broker.broker()).connections().connections()) {
            for (var channel : c.channels()) {
                for (var consumer : channel.consumers()) {
                    if (consumer.queue().equals(q)) {
                        statuses.add(consumer.tag().equals(first.getConsumerTag())
                                ? consumer.activityStatus() + "/" + consumer.active()
                                : "other:" + consumer.activityStatus() + "/" + consumer.active());
                    }
                }
            }
        }
        statuses.sort(null);
        assertEquals(List.of("other:waiting/false", "single_active/true"), statuses);
    }
}
