package io.warren.broker.queue;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.BrokerConfig;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queues with x-max-priority, over the wire: order, paging, restarts and refused arguments. */
class PriorityQueueTest {
    private static final QueueWindow SMALL = new QueueWindow(50, 1024 * 1024, QueueWindow.defaults().brokerBytes());

    @TempDir
    Path dataDir;
    private RunningBroker broker;

    private Channel start(BrokerConfig config) throws IOException {
        broker = RunningBroker.startOn(config, dataDir);
        return broker.connect().createChannel();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Object> maxPriority(Object max) {
        return Map.of("x-max-priority", max);
    }

    private static void publish(Channel ch, String q, Integer priority, boolean persistent, String body)
            throws IOException {
        AMQP.BasicProperties.Builder p = new AMQP.BasicProperties.Builder().priority(priority);
        if (persistent) {
            p.deliveryMode(2);
        }
        ch.basicPublish("", q, p.build(), utf8(body));
    }

    @Test
    void higherPrioritiesAreDeliveredFirstAndEqualOnesInPublishOrder() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        String q = ch.queueDeclare("", false, true, false, maxPriority(10)).getQueue();
        ch.confirmSelect();
        publish(ch, q, null, false, "none-1");
        publish(ch, q, 5, false, "five-1");
        publish(ch, q, 0, false, "zero-1");
        publish(ch, q, 200, false, "above-max-1"); // counts as 10
        publish(ch, q, 10, false, "ten-1");
        publish(ch, q, 5, false, "five-2");
        publish(ch, q, null, false, "none-2");
        publish(ch, q, 255, false, "above-max-2");
        ch.waitForConfirmsOrDie(10_000);

        assertEquals(List.of("above-max-1", "ten-1", "above-max-2", "five-1", "five-2", "none-1", "zero-1",
                "none-2"), drain(ch, q));
    }

    @Test
    void aConsumerReceivesByPriorityAndARequeuedMessageReturnsToItsPlace() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        String q = ch.queueDeclare("", false, true, false, maxPriority(3)).getQueue();
        ch.confirmSelect();
        for (int i = 1; i <= 3; i++) {
            publish(ch, q, 1, false, "low-" + i);
            publish(ch, q, 3, false, "high-" + i);
        }
        ch.waitForConfirmsOrDie(10_000);
        GetResponse first = ch.basicGet(q, false);
        GetResponse second = ch.basicGet(q, false);
        assertEquals("high-1", new String(first.getBody()));
        assertEquals("high-2", new String(second.getBody()));
        ch.basicNack(second.getEnvelope().getDeliveryTag(), false, true);
        ch.basicNack(first.getEnvelope().getDeliveryTag(), false, true);

        Channel consumer = ch.getConnection().createChannel();
        Deliveries d = new Deliveries(consumer);
        consumer.basicConsume(q, true, d);
        List<Deliveries.Delivery> got = d.next(6);
        List<String> texts = new ArrayList<>();
        got.forEach(x -> texts.add(x.text()));
        assertEquals(List.of("high-1", "high-2", "high-3", "low-1", "low-2", "low-3"), texts);
        assertTrue(got.get(0).redelivered() && got.get(1).redelivered() && !got.get(2).redelivered());
    }

    @Test
    void persistentMessagesOfADurablePriorityQueueComeBackInPriorityOrderAfterARestart() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        ch.queueDeclare("jobs", true, false, false, maxPriority(5));
        ch.confirmSelect();
        List<String> expected = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            for (int i = 1; i <= 20; i++) {
                publish(ch, "jobs", p, true, "p" + p + "-" + i);
            }
        }
        publish(ch, "jobs", 3, false, "transient");
        ch.waitForConfirmsOrDie(10_000);
        for (int p = 5; p >= 0; p--) {
            for (int i = 1; i <= 20; i++) {
                expected.add("p" + p + "-" + i);
            }
        }
        // one taken and acked before the restart stays gone
        GetResponse taken = ch.basicGet("jobs", false);
        assertEquals("p5-1", new String(taken.getBody()));
        ch.basicAck(taken.getEnvelope().getDeliveryTag(), false);
        expected.remove("p5-1");
        // the ack reaches the queue before the broker stops: a declare on the same channel is ordered after it
        assertEquals(expected.size() + 1, ready(ch, "jobs"));
        broker.close();

        ch = start(BrokerConfig.defaults());
        int readyAfter = ready(ch, "jobs");
        assertEquals(expected, drain(ch, "jobs"));
        assertEquals(expected.size(), readyAfter);
    }

    @Test
    void aPagedBacklogAcrossPrioritiesDrainsInPriorityOrderAndSurvivesARestart() throws Exception {
        Channel ch = start(BrokerConfig.defaults().withQueueWindow(SMALL));
        ch.queueDeclare("backlog", true, false, false, maxPriority(9));
        ch.confirmSelect();
        // interleaved levels, far beyond the window of 50 each level keeps in memory
        int perLevel = 300;
        for (int i = 1; i <= perLevel; i++) {
            for (int p = 0; p <= 9; p += 3) {
                publish(ch, "backlog", p, i % 2 == 0, "p" + p + "-" + i);
            }
        }
        ch.waitForConfirmsOrDie(30_000);
        assertEquals(4 * perLevel, ready(ch, "backlog"));

        // a consumer takes the first part in order
        List<String> all = new ArrayList<>();
        for (int p = 9; p >= 0; p -= 3) {
            for (int i = 1; i <= perLevel; i++) {
                all.add("p" + p + "-" + i);
            }
        }
        assertEquals(all.subList(0, 500), drainSome(ch, "backlog", 500));

        broker.close();
        ch = start(BrokerConfig.defaults().withQueueWindow(SMALL));
        // only the persistent (even-numbered) part of the rest survives
        List<String> persistentRest = new ArrayList<>();
        for (String s : all.subList(500, all.size())) {
            if (Integer.parseInt(s.substring(s.indexOf('-') + 1)) % 2 == 0) {
                persistentRest.add(s);
            }
        }
        assertEquals(persistentRest, drain(ch, "backlog"));
    }

    private static List<String> drainSome(Channel ch, String q, int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GetResponse r = ch.basicGet(q, true);
            out.add(new String(r.getBody()));
        }
        return out;
    }

    @Test
    void deletingADurablePriorityQueueRemovesEveryLevelsLog() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        ch.queueDeclare("doomed", true, false, false, maxPriority(4));
        ch.confirmSelect();
        for (int p = 0; p <= 4; p++) {
            publish(ch, "doomed", p, true, "m" + p);
        }
        ch.waitForConfirmsOrDie(10_000);
        int withQueue = logDirectories();
        ch.queueDelete("doomed");
        ch.queueDeclare("other", true, false, false, Map.of());
        broker.close();

        ch = start(BrokerConfig.defaults());
        assertTrue(logDirectories() <= withQueue - 4, "the level logs of a deleted queue were left behind");
        // declared again, the queue starts empty: nothing of the old levels comes back
        ch.queueDeclare("doomed", true, false, false, maxPriority(4));
        assertEquals(0, ready(ch, "doomed"));
    }

    private int logDirectories() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return (int) files.filter(Files::isDirectory).count();
        }
    }

    @Test
    void aMaxPriorityAbove255IsRefused() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("q", false, false, false,
                maxPriority(256)));
        assertRefused(e, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': "
                + "{max_value_exceeded,256}");
    }

    @Test
    void aNegativeMaxPriorityIsRefused() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("q", false, false, false,
                maxPriority(-1)));
        assertRefused(e, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': "
                + "{value_negative,-1}");
    }

    @Test
    void aMaxPriorityThatIsNotAnIntegerIsRefused() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("q", false, false, false,
                maxPriority("10")));
        assertRefused(e, "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'q' in vhost '/': "
                + "\"expected integer, got longstr\"");
    }

    @Test
    void aRedeclarationWithAnotherMaxPriorityIsInequivalent() throws Exception {
        Channel ch = start(BrokerConfig.defaults());
        ch.queueDeclare("q", false, false, false, maxPriority(5));
        IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("q", false, false, false,
                maxPriority(6)));
        assertRefused(e, "PRECONDITION_FAILED - inequivalent arg 'x-max-priority' for queue 'q' in vhost '/': "
                + "received '6' but current is '5'");
    }

    static void assertRefused(IOException e, String expected) {
        ShutdownSignalException s = (ShutdownSignalException) e.getCause();
        AMQP.Channel.Close close = (AMQP.Channel.Close) s.getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals(expected, close.getReplyText());
    }
}
