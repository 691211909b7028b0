package io.warren.broker.queue.classic;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerConfig;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queues declared with x-message-deduplication: true, over the wire, as rabbitmq-message-deduplication does it. */
class QueueDeduplicationTest {
    private static final Map<String, Object> DEDUP = Map.of("x-message-deduplication", true);

    @TempDir
    Path dataDir;
    private RunningBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private Channel start() throws Exception {
        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        Channel ch = broker.connect().createChannel();
        ch.queueDeclare("orders", true, false, false, DEDUP);
        return ch;
    }

    private static AMQP.BasicProperties keyed(String value) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2)
                .headers(Map.of("x-deduplication-header", value)).build();
    }

    private static AMQP.BasicProperties transientKeyed(String value) {
        return new AMQP.BasicProperties.Builder().headers(Map.of("x-deduplication-header", value)).build();
    }

    /** Confirms as "ack:tag" / "nack:tag" ("+m" when multiple), in arrival order. */
    private static List<String> confirmLog(Channel ch) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        ch.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                log.add("ack:" + tag + (multiple ? "+m" : ""));
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                log.add("nack:" + tag + (multiple ? "+m" : ""));
            }
        });
        ch.confirmSelect();
        return log;
    }

    private static boolean publishConfirmed(Channel ch, AMQP.BasicProperties p, String body) throws Exception {
        ch.basicPublish("", "orders", p, utf8(body));
        return ch.waitForConfirms(10_000);
    }

    @Test
    void aDuplicateOfAQueuedMessageIsDroppedAndOnlyItIsNacked() throws Exception {
        Channel ch = start();
        List<String> log = confirmLog(ch);
        ch.basicPublish("", "orders", keyed("k1"), utf8("first"));
        ch.basicPublish("", "orders", keyed("k1"), utf8("duplicate"));
        ch.basicPublish("", "orders", transientKeyed("k2"), utf8("other"));
        ch.basicPublish("", "orders", null, utf8("no header"));
        ch.basicPublish("", "orders", transientKeyed("k2"), utf8("transient duplicate"));
        assertFalse(ch.waitForConfirms(10_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> log.stream().anyMatch(e -> e.startsWith("ack:4")));
        assertTrue(log.contains("nack:2"), log.toString());
        assertTrue(log.contains("nack:5"), log.toString());
        assertTrue(log.stream().noneMatch(e -> e.startsWith("nack:") && e.endsWith("+m")), log.toString());
        assertEquals(3, ch.queueDeclarePassive("orders").getMessageCount());
        assertEquals("first", text(ch.basicGet("orders", true)));
        assertEquals("other", text(ch.basicGet("orders", true)));
        assertEquals("no header", text(ch.basicGet("orders", true)));
    }

    @Test
    void anUnackedMessageStillCountsUntilItIsAcked() throws Exception {
        Channel ch = start();
        confirmLog(ch);
        assertTrue(publishConfirmed(ch, keyed("k"), "1"));
        GetResponse got = ch.basicGet("orders", false);
        assertFalse(publishConfirmed(ch, keyed("k"), "2"), "the delivered message is still in the queue");
        ch.basicAck(got.getEnvelope().getDeliveryTag(), false);
        assertTrue(publishConfirmed(ch, keyed("k"), "3"), "acked, so its value is free again");
        assertEquals("3", text(ch.basicGet("orders", true)));
    }

    @Test
    void aRequeuedMessageKeepsItsValueAndARejectedOneFreesIt() throws Exception {
        Channel ch = start();
        confirmLog(ch);
        assertTrue(publishConfirmed(ch, keyed("k"), "1"));
        GetResponse got = ch.basicGet("orders", false);
        ch.basicNack(got.getEnvelope().getDeliveryTag(), false, true);
        assertFalse(publishConfirmed(ch, keyed("k"), "2"));
        got = ch.basicGet("orders", false);
        ch.basicReject(got.getEnvelope().getDeliveryTag(), false);
        assertTrue(publishConfirmed(ch, keyed("k"), "3"));
    }

    @Test
    void noAckDeliveriesAndPurgesFreeTheirValues() throws Exception {
        Channel ch = start();
        confirmLog(ch);
        assertTrue(publishConfirmed(ch, keyed("a"), "1"));
        ch.basicGet("orders", true);
        assertTrue(publishConfirmed(ch, keyed("a"), "2"));
        Deliveries consumer = new Deliveries(ch);
        String tag = ch.basicConsume("orders", true, consumer);
        assertEquals("2", consumer.next().text());
        ch.basicCancel(tag);
        assertTrue(publishConfirmed(ch, keyed("a"), "3"));
        ch.queuePurge("orders");
        assertTrue(publishConfirmed(ch, keyed("a"), "4"));
        assertEquals(1, ch.queueDeclarePassive("orders").getMessageCount());
    }

    @Test
    void withoutConfirmsADuplicateIsDroppedSilently() throws Exception {
        Channel ch = start();
        for (int i = 0; i < 5; i++) {
            ch.basicPublish("", "orders", transientKeyed("same"), utf8("m" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ch.queueDeclarePassive("orders").getMessageCount() == 1);
        Thread.sleep(100);
        assertEquals(1, ch.queueDeclarePassive("orders").getMessageCount());
        assertEquals("m0", text(ch.basicGet("orders", true)));
    }

    @Test
    void afterARestartTheValuesOfTheRecoveredMessagesStillCount() throws Exception {
        Channel ch = start();
        confirmLog(ch);
        for (int i = 0; i < 50; i++) {
            ch.basicPublish("", "orders", keyed("k" + i), utf8("m" + i));
        }
        assertTrue(ch.waitForConfirms(10_000));
        GetResponse unacked = ch.basicGet("orders", false); // delivered, not acked: back after the restart
        assertEquals("m0", text(unacked));
        broker.close();

        ch = start();
        assertEquals(50, ch.queueDeclarePassive("orders").getMessageCount());
        confirmLog(ch);
        assertFalse(publishConfirmed(ch, keyed("k0"), "again"));
        assertFalse(publishConfirmed(ch, keyed("k49"), "again"));
        assertTrue(publishConfirmed(ch, keyed("k50"), "m50"));
        GetResponse first = ch.basicGet("orders", false);
        assertEquals("m0", text(first));
        ch.basicAck(first.getEnvelope().getDeliveryTag(), false);
        assertTrue(publishConfirmed(ch, keyed("k0"), "m0 again"));
        assertEquals(51, ch.queueDeclarePassive("orders").getMessageCount());
    }

    @Test
    void aDurablePriorityQueueRemembersTheValuesOfEveryLevelAfterARestart() throws Exception {
        Map<String, Object> args = Map.of("x-message-deduplication", true, "x-max-priority", 5);
        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        Channel ch = broker.connect().createChannel();
        ch.queueDeclare("ranked", true, false, false, args);
        confirmLog(ch);
        ch.basicPublish("", "ranked", keyed("low").builder().priority(0).build(), utf8("low"));
        ch.basicPublish("", "ranked", keyed("high").builder().priority(5).build(), utf8("high"));
        assertTrue(ch.waitForConfirms(10_000));
        broker.close();

        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        ch = broker.connect().createChannel();
        ch.queueDeclare("ranked", true, false, false, args);
        confirmLog(ch);
        ch.basicPublish("", "ranked", keyed("high").builder().priority(5).build(), utf8("high again"));
        ch.basicPublish("", "ranked", keyed("low").builder().priority(0).build(), utf8("low again"));
        assertFalse(ch.waitForConfirms(10_000), "both are duplicates of recovered messages");
        assertEquals(2, ch.queueDeclarePassive("ranked").getMessageCount());
    }
}
