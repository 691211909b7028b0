package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** x-message-ttl, the expiration property and x-expires, over the wire. */
class MessageTtlTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static AMQP.BasicProperties expiring(String ms) {
        return new AMQP.BasicProperties.Builder().expiration(ms).build();
    }

    @Test
    void aQueueTtlExpiresMessagesOnTimeEvenWithoutConsumers() throws Exception {
        Channel ch = broker.channel();
        // 3 s: long enough that a busy machine cannot expire any of them before the count below
        String q = ch.queueDeclare(unique("ttl"), false, false, false, Map.of("x-message-ttl", 3_000)).getQueue();
        for (int i = 0; i < 100; i++) {
            ch.basicPublish("", q, null, utf8("m" + i));
        }
        assertEquals(100, ch.messageCount(q), "nothing expires early");
        // nobody consumes or polls: only the queue's own timer can empty it
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(50)).until(() -> ch.messageCount(q) == 0);
    }

    @Test
    void thePerMessageExpirationPropertyExpiresThatMessageOnly() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, expiring("100"), utf8("short-lived"));
        ch.basicPublish("", q, null, utf8("kept"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount(q) == 1);
        assertEquals("kept", text(ch.basicGet(q, true)));
    }

    @Test
    void theShorterOfQueueTtlAndExpirationApplies() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("ttl"), false, false, false, Map.of("x-message-ttl", 60_000)).getQueue();
        ch.basicPublish("", q, expiring("50"), utf8("short"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount(q) == 0);
    }

    @Test
    void expiredMessagesAreDeadLetteredWithTheirOriginalExpiration() throws Exception {
        Channel ch = broker.channel();
        String dlq = ch.queueDeclare().getQueue();
        String q = ch.queueDeclare(unique("ttl"), false, false, false,
                Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq)).getQueue();
        ch.basicPublish("", q, expiring("30"), utf8("late"));
        GetResponse dead = await().atMost(Duration.ofSeconds(30)).until(() -> ch.basicGet(dlq, true), r -> r != null);
        assertEquals("late", text(dead));
        assertNull(dead.getProps().getExpiration(), "the expiration is removed so it does not expire again");
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("expired", death.get("reason").toString());
        assertEquals("30", death.get("original-expiration").toString());
    }

    @Test
    void aTtlOfZeroStillReachesAWaitingConsumer() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("ttl0"), false, false, false, Map.of("x-message-ttl", 0)).getQueue();
        List<String> got = new CopyOnWriteArrayList<>();
        DeliverCallback onDeliver = (tag, d) -> got.add(text(d.getBody()));
        ch.basicConsume(q, true, onDeliver, tag -> { });
        ch.basicPublish("", q, null, utf8("now or never"));
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
        assertEquals(List.of("now or never"), got);
    }

    @Test
    void aTtlOfZeroWithoutConsumersDropsTheMessage() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("ttl0"), false, false, false, Map.of("x-message-ttl", 0)).getQueue();
        ch.basicPublish("", q, null, utf8("never seen"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount(q) == 0);
        assertNull(ch.basicGet(q, true));
    }

    private static Map<String, Object> deadLetteringTo(String dlq, Map<String, Object> more) {
        Map<String, Object> args = new java.util.HashMap<>(more);
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", dlq);
        return args;
    }

    @SuppressWarnings("unchecked")
    private static String deathReason(GetResponse dead) {
        return ((List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death")).get(0).get("reason")
                .toString();
    }

    private void aZeroTtlMessageNobodyTookIsGoneForTheNextGet(Map<String, Object> queueArgs,
                                                             AMQP.BasicProperties props) throws Exception {
        Channel ch = broker.channel();
        String dlq = ch.queueDeclare().getQueue();
        String q = ch.queueDeclare(unique("ttl0"), false, false, false, deadLetteringTo(dlq, queueArgs)).getQueue();
        // basic.get waits for the publish before it on the channel; many rounds, so a get in the same millisecond
        // as its publish is certain to happen
        for (int i = 0; i < 50; i++) {
            ch.basicPublish("", q, props, utf8("gone " + i));
            assertNull(ch.basicGet(q, true), "round " + i + ": a TTL 0 message outlived its publish");
        }
        java.util.Set<String> dead = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            GetResponse r = await().atMost(Duration.ofSeconds(20)).until(() -> ch.basicGet(dlq, true),
                    g -> g != null);
            assertEquals("expired", deathReason(r));
            dead.add(text(r));
        }
        assertEquals(50, dead.size(), "every message was dead-lettered once: " + dead);
    }

    @Test
    void aMessageWithQueueTtlZeroThatNoConsumerTookIsGoneForTheNextGet() throws Exception {
        aZeroTtlMessageNobodyTookIsGoneForTheNextGet(Map.of("x-message-ttl", 0), null);
    }

    @Test
    void aMessageWithExpirationZeroThatNoConsumerTookIsGoneForTheNextGet() throws Exception {
        aZeroTtlMessageNobodyTookIsGoneForTheNextGet(Map.of(), expiring("0"));
    }

    @Test
    void aRequeuedMessageExpiresAtItsOriginalTimeWithoutAnyoneLooking() throws Exception {
        Channel ch = broker.channel();
        String dlq = ch.queueDeclare().getQueue();
        String q = ch.queueDeclare(unique("ttl"), false, false, false,
                deadLetteringTo(dlq, Map.of("x-message-ttl", 5_000))).getQueue();
        ch.basicQos(1);
        io.warren.broker.Deliveries d = new io.warren.broker.Deliveries(ch);
        String tag = ch.basicConsume(q, false, d);
        ch.basicPublish("", q, null, utf8("comes back"));
        io.warren.broker.Deliveries.Delivery got = d.next();
        // a shorter-lived message behind it takes the queue's timer and expires while "comes back" is out
        ch.basicPublish("", q, expiring("300"), utf8("short"));
        await().atMost(Duration.ofSeconds(20)).until(() -> ch.messageCount(q) == 0);
        ch.basicCancel(tag); // the delivery stays unacked on the channel; nobody consumes any more
        ch.basicNack(got.tag(), false, true);
        assertEquals(1, ch.messageCount(q), "requeued, seconds before it expires");
        // only the queue's own timer can expire it now: nobody consumes, nobody gets
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(100))
                .until(() -> ch.messageCount(q) == 0);
        List<String> dead = new java.util.ArrayList<>();
        while (dead.size() < 2) {
            GetResponse r = await().atMost(Duration.ofSeconds(20)).until(() -> ch.basicGet(dlq, true), g -> g != null);
            assertEquals("expired", deathReason(r));
            dead.add(text(r));
        }
        assertEquals(List.of("short", "comes back"), dead);
    }

    @Test
    void aMessageRequeuedAfterItsTimeIsGoneAtOnce() throws Exception {
        Channel ch = broker.channel();
        // 3 s: the get below must find it in time even on a busy machine
        String q = ch.queueDeclare(unique("ttl"), false, false, false, Map.of("x-message-ttl", 3_000)).getQueue();
        ch.basicPublish("", q, null, utf8("late"));
        GetResponse got = await().atMost(Duration.ofSeconds(20)).until(() -> ch.basicGet(q, false), r -> r != null);
        Thread.sleep(3_500); // its time passes while it is out
        ch.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
        assertEquals(0, ch.messageCount(q), "an expired message came back to the queue");
    }

    @Test
    void anExpiredMessageIsNotDeliveredToALateConsumer() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, expiring("20"), utf8("stale"));
        ch.basicPublish("", q, null, utf8("fresh"));
        // wait for the expiry itself rather than for a guess at how long it takes
        await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount(q) == 1);
        List<String> got = new CopyOnWriteArrayList<>();
        ch.basicConsume(q, true, (tag, d) -> got.add(text(d.getBody())), tag -> { });
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 1);
        Thread.sleep(100);
        assertEquals(List.of("fresh"), got);
    }

    @Test
    void anInvalidExpirationIsRefused() {
        AMQP.Channel.Close close = channelClose(() -> {
            Channel ch = broker.channel();
            ch.basicPublish("", "amq.gen-none", expiring("soon"), utf8("x"));
            ch.queueDeclare(); // a round trip: the close arrives before this returns
        });
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("invalid expiration 'soon'"), close.getReplyText());
    }

    @Test
    void aNegativeMessageTtlArgumentIsRefused() {
        AMQP.Channel.Close close = channelClose(() -> broker.channel().queueDeclare(unique("q"), false, false, false,
                Map.of("x-message-ttl", -1)));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().startsWith("PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue"),
                close.getReplyText());
    }

    @Test
    void anUnusedQueueWithXExpiresIsDeleted() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("exp"), false, false, false, Map.of("x-expires", 300)).getQueue();
        ch.basicPublish("", q, null, utf8("left behind"));
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.broker().vhost("/").queue(q) == null);
    }

    @Test
    void aQueueWithAConsumerDoesNotExpire() throws Exception {
        Channel ch = broker.channel();
        // the consume must come before the queue expires: 2 s leaves a busy machine plenty of time
        String q = ch.queueDeclare(unique("exp"), false, false, false, Map.of("x-expires", 2_000)).getQueue();
        String tag = ch.basicConsume(q, true, (t, d) -> { }, t -> { });
        Thread.sleep(3_000);
        assertEquals(0, ch.messageCount(q), "still there: passive declare works");
        ch.basicCancel(tag);
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.broker().vhost("/").queue(q) == null);
    }

    @Test
    void redeclaringAQueueCountsAsUse() throws Exception {
        Channel ch = broker.channel();
        String q = unique("exp");
        // redeclared every 250 ms for 4 s against a 3 s expiry: only the redeclares keep it alive
        ch.queueDeclare(q, false, false, false, Map.of("x-expires", 3_000));
        for (int i = 0; i < 16; i++) {
            Thread.sleep(250);
            ch.queueDeclare(q, false, false, false, Map.of("x-expires", 3_000));
        }
        assertTrue(broker.broker().vhost("/").queue(q) != null, "kept alive by the redeclares");
    }

    @Test
    void inAPriorityQueueLowerLevelsExpireToo() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("prio-ttl"), false, false, false, Map.of("x-max-priority", 5)).getQueue();
        ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(5).build(), utf8("urgent, kept"));
        ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(0).expiration("50").build(),
                utf8("low, short-lived"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount(q) == 1);
        assertEquals("urgent, kept", text(ch.basicGet(q, true)));
    }
}
