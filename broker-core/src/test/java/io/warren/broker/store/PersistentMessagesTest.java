package io.warren.broker.store;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.TestMessages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent messages in durable queues across broker restarts, over the wire. */
class PersistentMessagesTest {
    @TempDir
    Path dataDir;
    private RunningBroker broker;

    private Channel start() throws IOException {
        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        Channel ch = broker.connect().createChannel();
        ch.queueDeclare("orders", true, false, false, Map.of());
        return ch;
    }

    private Channel restart() throws IOException {
        broker.close();
        return start();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void publishPersistent(Channel ch, String queue, List<String> bodies) throws Exception {
        ch.confirmSelect();
        for (String b : bodies) {
            ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, utf8(b));
        }
        ch.waitForConfirmsOrDie(10_000);
    }

    @Test
    void confirmedPersistentMessagesComeBackInOrderAfterARestart() throws Exception {
        Channel ch = start();
        publishPersistent(ch, "orders", numbered(1, 500));

        ch = restart();

        assertEquals(500, ready(ch, "orders"));
        assertEquals(numbered(1, 500), drain(ch, "orders"));
    }

    @Test
    void transientMessagesInADurableQueueDoNotSurviveARestart() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        ch.basicPublish("", "orders", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("kept"));
        ch.basicPublish("", "orders", MessageProperties.TEXT_PLAIN, utf8("transient"));
        ch.basicPublish("", "orders", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("kept too"));
        ch.waitForConfirmsOrDie(10_000);

        ch = restart();

        assertEquals(List.of("kept", "kept too"), drain(ch, "orders"));
    }

    @Test
    void ackedMessagesStayGoneAndUnackedOnesComeBackRedelivered() throws Exception {
        Channel ch = start();
        publishPersistent(ch, "orders", numbered(1, 6));
        Channel consumer = broker.connect().createChannel();
        List<GetResponse> first = List.of(consumer.basicGet("orders", false), consumer.basicGet("orders", false),
                consumer.basicGet("orders", false));
        consumer.basicAck(first.get(0).getEnvelope().getDeliveryTag(), false);
        consumer.basicAck(first.get(2).getEnvelope().getDeliveryTag(), false);
        // the acks reach the queue before the broker stops: a declare on the same channel is ordered after them
        assertEquals(3, consumer.queueDeclarePassive("orders").getMessageCount());

        ch = restart();

        List<GetResponse> left = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet("orders", true)) != null) {
            left.add(r);
        }
        assertEquals(List.of("2", "4", "5", "6"), left.stream().map(TestMessages::text).toList());
        assertTrue(left.get(0).getEnvelope().isRedeliver(), "delivered before the restart, never acked");
        for (GetResponse never : left.subList(1, 4)) {
            assertFalse(never.getEnvelope().isRedeliver(), "never delivered before the restart");
        }
    }

    @Test
    void aPurgedQueueStaysEmptyAfterARestart() throws Exception {
        Channel ch = start();
        publishPersistent(ch, "orders", numbered(1, 100));
        assertEquals(100, ch.queuePurge("orders").getMessageCount());
        publishPersistent(ch, "orders", List.of("after purge"));

        ch = restart();

        assertEquals(List.of("after purge"), drain(ch, "orders"));
    }

    @Test
    void aDeletedQueueDoesNotBringItsMessagesBackWhenDeclaredAgain() throws Exception {
        Channel ch = start();
        publishPersistent(ch, "orders", numbered(1, 10));
        ch.queueDelete("orders");

        ch = restart();

        assertEquals(0, ready(ch, "orders"));
    }

    @Test
    void messagesPublishedAfterARestartFollowTheRecoveredOnes() throws Exception {
        Channel ch = start();
        publishPersistent(ch, "orders", numbered(1, 3));
        ch = restart();
        publishPersistent(ch, "orders", numbered(4, 6));

        ch = restart();

        assertEquals(numbered(1, 6), drain(ch, "orders"));
    }

    @Test
    void aPersistentMessageFannedOutToSeveralDurableQueuesSurvivesInEach() throws Exception {
        Channel ch = start();
        ch.queueDeclare("audit", true, false, false, Map.of());
        ch.queueBind("orders", "amq.fanout", "");
        ch.queueBind("audit", "amq.fanout", "");
        ch.confirmSelect();
        ch.basicPublish("amq.fanout", "", MessageProperties.PERSISTENT_BASIC, utf8("both"));
        ch.waitForConfirmsOrDie(10_000);

        ch = restart();
        ch.queueDeclare("audit", true, false, false, Map.of());

        assertEquals(List.of("both"), drain(ch, "orders"));
        assertEquals(List.of("both"), drain(ch, "audit"));
    }

    @Test
    void propertiesAndRoutingFactsSurviveARestart() throws Exception {
        Channel ch = start();
        ch.queueBind("orders", "amq.direct", "eu");
        ch.confirmSelect();
        var props = MessageProperties.PERSISTENT_TEXT_PLAIN.builder().messageId("m-1").correlationId("c-9")
                .headers(Map.of("region", "eu")).build();
        ch.basicPublish("amq.direct", "eu", props, utf8("with properties"));
        ch.waitForConfirmsOrDie(10_000);

        ch = restart();

        GetResponse r = ch.basicGet("orders", true);
        assertEquals("with properties", TestMessages.text(r));
        assertEquals("amq.direct", r.getEnvelope().getExchange());
        assertEquals("eu", r.getEnvelope().getRoutingKey());
        assertEquals("m-1", r.getProps().getMessageId());
        assertEquals("c-9", r.getProps().getCorrelationId());
        assertEquals(2, r.getProps().getDeliveryMode());
        assertEquals("eu", r.getProps().getHeaders().get("region").toString());
    }

    @Test
    void aCommittedTransactionsPersistentMessagesSurviveARestartAndRolledBackOnesNever() throws Exception {
        Channel ch = start();
        ch.txSelect();
        ch.basicPublish("", "orders", MessageProperties.PERSISTENT_BASIC, utf8("rolled back"));
        ch.txRollback();
        ch.basicPublish("", "orders", MessageProperties.PERSISTENT_BASIC, utf8("committed"));
        ch.txCommit();

        ch = restart();

        assertEquals(List.of("committed"), drain(ch, "orders"));
    }

    @Test
    void anExclusiveDurableQueueKeepsNothingOnDisk() throws Exception {
        start();
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        ch.queueDeclare("mine", true, true, false, Map.of());
        publishPersistent(ch, "mine", numbered(1, 3));
        assertEquals(3, ready(ch, "mine"));

        assertEquals(List.of("queue:1:/:orders"), logNames());
    }

    // each log directory holds a file with the log's name
    private List<String> logNames() throws IOException {
        try (var files = java.nio.file.Files.walk(dataDir.resolve("messages"))) {
            return files.filter(f -> f.getFileName().toString().equals("name")).map(f -> {
                try {
                    return java.nio.file.Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }
}
