package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dead-lettered and expiring persistent messages across broker restarts. */
class LifecycleRestartTest {
    @TempDir
    Path dataDir;
    private RunningBroker broker;

    private Channel start() throws Exception {
        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        Channel ch = broker.connect().createChannel();
        ch.queueDeclare("dlq", true, false, false, Map.of());
        ch.queueDeclare("work", true, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", "dlq"));
        return ch;
    }

    private Channel restart() throws Exception {
        broker.close();
        return start();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void rejectedPersistentMessagesAreInTheDeadLetterQueueAfterARestart() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        for (String b : numbered(1, 50)) {
            ch.basicPublish("", "work", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8(b));
        }
        ch.waitForConfirmsOrDie(10_000);
        for (int i = 0; i < 50; i++) {
            GetResponse r = ch.basicGet("work", false);
            ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
        }
        await().until(() -> ch.messageCount("dlq") == 50);

        Channel after = restart();

        assertEquals(0, after.messageCount("work"), "rejected messages are not back in their queue");
        List<GetResponse> dead = new ArrayList<>();
        GetResponse r;
        while ((r = after.basicGet("dlq", true)) != null) {
            dead.add(r);
        }
        assertEquals(numbered(1, 50), dead.stream().map(x -> text(x)).toList());
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) dead.get(0).getProps().getHeaders()
                .get("x-death")).get(0);
        assertEquals("rejected", death.get("reason").toString());
        assertEquals("work", death.get("queue").toString());
    }

    @Test
    void persistentMessagesExpireAfterARestartAtTheTimeTheyWereGiven() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        AMQP.BasicProperties shortLived = MessageProperties.PERSISTENT_TEXT_PLAIN.builder().expiration("4000").build();
        ch.basicPublish("", "work", shortLived, utf8("expires"));
        ch.basicPublish("", "work", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("stays"));
        ch.waitForConfirmsOrDie(10_000);

        Channel after = restart();

        assertEquals(2, after.messageCount("work"), "not yet expired");
        GetResponse dead = await().atMost(Duration.ofSeconds(15)).until(() -> after.basicGet("dlq", true),
                x -> x != null);
        assertEquals("expires", text(dead));
        assertEquals(List.of("stays"), drain(after, "work"));
    }

    @Test
    void messagesPagedToDiskStillExpireInOrder() throws Exception {
        broker = RunningBroker.startOn(BrokerConfig.defaults().withQueueWindow(
                new io.warren.broker.queue.QueueWindow(100, 1 << 20, 1 << 30)), dataDir);
        Channel ch = broker.connect().createChannel();
        String q = ch.queueDeclare("paged", false, false, false, Map.of("x-message-ttl", 5_000)).getQueue();
        for (int i = 0; i < 5_000; i++) {
            ch.basicPublish("", q, null, new byte[100]);
        }
        assertEquals(5_000, ch.messageCount(q), "none expired yet; most are on disk");
        await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount(q) == 0);
    }
}
