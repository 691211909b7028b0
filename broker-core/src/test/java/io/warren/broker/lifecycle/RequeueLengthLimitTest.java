package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * x-max-length and x-max-length-bytes hold when messages come back (nack or reject with requeue, channel close,
 * basic.recover): with drop-head the oldest go, dead-lettered as maxlen; reject-publish keeps them, as RabbitMQ does.
 */
class RequeueLengthLimitTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static final Duration LONG = Duration.ofSeconds(20);
    // one connection: the server-named dead-letter queues are exclusive to it
    final Connection conn = broker.connect();

    private interface GiveBack {
        void giveBack(Channel consumer, long tag) throws Exception;
    }

    /** A full queue of max length 2 holding "2" and "3", and "1" taken unacked on its own channel. */
    private record Setup(Channel admin, Channel consumer, String queue, long tag) {
    }

    private Setup fullQueueWithOneOut(Map<String, Object> arguments) throws Exception {
        Channel admin = broker.channel(conn);
        String q = admin.queueDeclare(unique("max"), false, false, false, arguments).getQueue();
        Channel consumer = broker.channel(conn);
        publish(admin, q, "1");
        GetResponse one = await().atMost(LONG).until(() -> consumer.basicGet(q, false), r -> r != null);
        assertEquals("1", text(one));
        publish(admin, q, "2", "3");
        await().atMost(LONG).until(() -> ready(admin, q) == 2);
        return new Setup(admin, consumer, q, one.getEnvelope().getDeliveryTag());
    }

    private static Map<String, Object> maxLength(int n, String dlq) {
        Map<String, Object> args = new HashMap<>(Map.of("x-max-length", n));
        if (dlq != null) {
            args.put("x-dead-letter-exchange", "");
            args.put("x-dead-letter-routing-key", dlq);
        }
        return args;
    }

    private void requeueingIntoAFullQueueDropsTheOldest(GiveBack how) throws Exception {
        String dlq = broker.channel(conn).queueDeclare().getQueue();
        Setup s = fullQueueWithOneOut(maxLength(2, dlq));
        how.giveBack(s.consumer(), s.tag());
        GetResponse dead = await().atMost(LONG).until(() -> s.admin().basicGet(dlq, true), r -> r != null);
        assertEquals("1", text(dead), "the requeued message is back at the head, so it is the oldest");
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("maxlen", death.get("reason").toString());
        assertEquals(List.of("2", "3"), drain(s.admin(), s.queue()));
    }

    @Test
    void aMessageNackedWithRequeueIntoAFullQueueIsDeadLetteredAsMaxlen() throws Exception {
        requeueingIntoAFullQueueDropsTheOldest((ch, tag) -> ch.basicNack(tag, false, true));
    }

    @Test
    void aMessageRejectedWithRequeueIntoAFullQueueIsDeadLetteredAsMaxlen() throws Exception {
        requeueingIntoAFullQueueDropsTheOldest((ch, tag) -> ch.basicReject(tag, true));
    }

    @Test
    void messagesRequeuedByAChannelCloseRespectTheLimit() throws Exception {
        requeueingIntoAFullQueueDropsTheOldest((ch, tag) -> ch.close());
    }

    @Test
    void messagesRequeuedByBasicRecoverRespectTheLimit() throws Exception {
        requeueingIntoAFullQueueDropsTheOldest((ch, tag) -> ch.basicRecover(true));
    }

    @Test
    void withoutADeadLetterExchangeTheOldestIsDropped() throws Exception {
        Setup s = fullQueueWithOneOut(maxLength(2, null));
        s.consumer().basicNack(s.tag(), false, true);
        await().atMost(LONG).until(() -> ready(s.admin(), s.queue()) == 2);
        assertEquals(List.of("2", "3"), drain(s.admin(), s.queue()));
    }

    @Test
    void maxLengthBytesHoldsOnRequeueToo() throws Exception {
        Channel admin = broker.channel(conn);
        String q = admin.queueDeclare(unique("bytes"), false, false, false, Map.of("x-max-length-bytes", 20))
                .getQueue();
        Channel consumer = broker.channel(conn);
        admin.basicPublish("", q, null, new byte[10]);
        GetResponse first = await().atMost(LONG).until(() -> consumer.basicGet(q, false), r -> r != null);
        admin.basicPublish("", q, null, new byte[10]);
        admin.basicPublish("", q, null, new byte[10]);
        await().atMost(LONG).until(() -> ready(admin, q) == 2);
        consumer.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        await().atMost(LONG).until(() -> ready(admin, q) == 2);
        GetResponse head = admin.basicGet(q, true);
        assertNotNull(head);
        assertFalse(head.getEnvelope().isRedeliver(), "the requeued (redelivered) message was the one dropped");
    }

    @Test
    void rejectPublishKeepsRequeuedMessagesAndRefusesPublishesUntilThereIsRoom() throws Exception {
        // RabbitMQ drops nothing on requeue with reject-publish: the queue may hold more than its limit for a while
        Setup s = fullQueueWithOneOut(Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        s.consumer().basicNack(s.tag(), false, true);
        await().atMost(LONG).until(() -> ready(s.admin(), s.queue()) == 3);
        Channel confirming = broker.channel(conn);
        confirming.confirmSelect();
        publish(confirming, s.queue(), "4");
        assertFalse(confirming.waitForConfirms(10_000), "a queue over its limit refuses the publish");
        assertEquals(List.of("1", "2", "3"), drain(s.admin(), s.queue()));
    }
}
