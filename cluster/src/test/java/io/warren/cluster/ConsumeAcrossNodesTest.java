package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.channel.ConsumerTimeoutSettings;
import io.warren.broker.policy.Policy;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueConsumer;
import io.warren.cluster.remote.RemoteQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** basic.consume through a node other than the queue's home behaves as on the home: arguments, exclusive use. */
class ConsumeAcrossNodesTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Three nodes; the queue declared on node a (its home) with these arguments, seen as a proxy on b and c. */
    private void threeNodesWithQueue(String queue, Map<String, Object> arguments) throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare(queue, true, false, false, arguments);
        }
        for (int i = 1; i < 3; i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(node).broker().vhost("/").queue(queue)
                    instanceof RemoteQueue);
        }
    }

    private AmqpQueue home(String queue) {
        return cluster.node(0).broker().vhost("/").queue(queue);
    }

    private static List<QueueConsumer> consumersOn(AmqpQueue q) throws Exception {
        return CompletableFuture.supplyAsync(q::consumersOnLoop, q.loop()).get(30, TimeUnit.SECONDS);
    }

    private static String refusal(IOException e) {
        return e.getCause().getMessage();
    }

    @Test
    void everyConsumeArgumentAndTheAckModeReachTheHomeQueue() throws Exception {
        threeNodesWithQueue("args", null);
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.basicConsume("args", true, "tagged", false, false,
                    Map.of("x-priority", 7, "x-credit", Map.of("credit", 5, "drain", false), "app-hint", "fast"),
                    (tag, d) -> { }, tag -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> consumersOn(home("args")).size() == 1);
            QueueConsumer c = consumersOn(home("args")).get(0);
            assertEquals("tagged", c.tag());
            assertTrue(c.noAck());
            assertEquals(7, c.priority());
            assertEquals("fast", c.arguments().get("app-hint").toString());
            assertTrue(c.arguments().get("x-credit") instanceof Map, "nested tables go across as tables");
            assertEquals(5, ((Map<?, ?>) c.arguments().get("x-credit")).get("credit"));
        }
    }

    @Test
    void anExclusiveConsumeThroughAnotherNodeIsRefusedWhileTheHomeHasAConsumer() throws Exception {
        threeNodesWithQueue("busy", null);
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker())) {
            a.createChannel().basicConsume("busy", false, (tag, d) -> { }, tag -> { });
            Channel ch = b.createChannel();
            IOException e = assertThrows(IOException.class, () -> ch.basicConsume("busy", false, "", false, true,
                    null, (tag, d) -> { }, tag -> { }));
            assertTrue(refusal(e).contains("(reply-code=403, reply-text=ACCESS_REFUSED - queue 'busy' in vhost '/' "
                    + "in exclusive use,"), refusal(e));
            assertFalse(ch.isOpen());
            // the refused consumer left nothing behind on the home node
            assertEquals(1, consumersOn(home("busy")).size());
        }
    }

    @Test
    void anExclusiveConsumerOnAnotherNodeHoldsTheQueueAgainstEveryNodeUntilItGoes() throws Exception {
        threeNodesWithQueue("mine", null);
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker());
             Connection c = connect(cluster.node(2).broker())) {
            Channel owner = b.createChannel();
            List<String> got = Collections.synchronizedList(new ArrayList<>());
            String tag = owner.basicConsume("mine", true, "", false, true, null,
                    (t, d) -> got.add(new String(d.getBody(), StandardCharsets.UTF_8)), t -> { });
            IOException onHome = assertThrows(IOException.class, () -> a.createChannel().basicConsume("mine", true,
                    (t, d) -> { }, t -> { }));
            assertTrue(refusal(onHome).contains("403, reply-text=ACCESS_REFUSED - queue 'mine' in vhost '/' in "
                    + "exclusive use"), refusal(onHome));
            IOException onThird = assertThrows(IOException.class, () -> c.createChannel().basicConsume("mine", true,
                    (t, d) -> { }, t -> { }));
            assertTrue(refusal(onThird).contains("ACCESS_REFUSED - queue 'mine' in vhost '/' in exclusive use"),
                    refusal(onThird));
            IOException onSame = assertThrows(IOException.class, () -> b.createChannel().basicConsume("mine", true,
                    (t, d) -> { }, t -> { }));
            assertTrue(refusal(onSame).contains("in exclusive use"), refusal(onSame));
            // it still receives
            Channel pub = a.createChannel();
            pub.basicPublish("", "mine", MessageProperties.PERSISTENT_BASIC, "one".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> got.equals(List.of("one")));
            owner.basicCancel(tag);
            await().atMost(Duration.ofSeconds(30)).until(() -> consumersOn(home("mine")).isEmpty());
            // gone: a consumer on the third node may have the queue now
            c.createChannel().basicConsume("mine", true, (t, d) -> { }, t -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> consumersOn(home("mine")).size() == 1);
        }
    }

    @Test
    void aSingleActiveConsumerOnAnotherNodeKeepsTheQueueUntilItGoesThenTheNextTakesOver() throws Exception {
        threeNodesWithQueue("one-at-a-time", Map.of("x-single-active-consumer", true));
        List<String> onB = Collections.synchronizedList(new ArrayList<>());
        List<String> onA = Collections.synchronizedList(new ArrayList<>());
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker())) {
            Channel first = b.createChannel();
            String tag = first.basicConsume("one-at-a-time", true,
                    (t, d) -> onB.add(new String(d.getBody(), StandardCharsets.UTF_8)), t -> { });
            await().atMost(Duration.ofSeconds(30)).until(() -> consumersOn(home("one-at-a-time")).size() == 1);
            a.createChannel().basicConsume("one-at-a-time", true,
                    (t, d) -> onA.add(new String(d.getBody(), StandardCharsets.UTF_8)), t -> { });
            Channel pub = a.createChannel();
            pub.confirmSelect();
            for (int i = 0; i < 5; i++) {
                pub.basicPublish("", "one-at-a-time", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            pub.waitForConfirmsOrDie(30_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> onB.size() == 5);
            assertTrue(onA.isEmpty(), "the consumer on the home node waits its turn");
            first.basicCancel(tag);
            await().atMost(Duration.ofSeconds(30)).until(() -> consumersOn(home("one-at-a-time")).size() == 1);
            pub.basicPublish("", "one-at-a-time", null, "after".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> onA.equals(List.of("after")));
        }
    }

    @Test
    void aConsumerTimeoutPolicyClosesTheChannelOnAnotherNodeThatHoldsADeliveryTooLong() throws Exception {
        cluster = new TestCluster(dir, 3).brokerConfig(c -> c.withConsumerTimeout(
                new ConsumerTimeoutSettings(ConsumerTimeoutSettings.DEFAULT_TIMEOUT_MILLIS, 100))).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("slow", true, false, false, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue("slow")
                instanceof RemoteQueue);
        cluster.node(0).broker().vhost("/").setPolicy(Policy.of("/", "patience", "^slow$", "queues",
                Map.of("consumer-timeout", 1000), 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(1000).equals(cluster.node(1).broker()
                .vhost("/").queue("slow").effectiveArguments().get("x-consumer-timeout")));

        List<String> held = Collections.synchronizedList(new ArrayList<>());
        try (Connection a = connect(cluster.node(0).broker()); Connection b = connect(cluster.node(1).broker())) {
            Channel holder = b.createChannel();
            holder.basicConsume("slow", false, (t, d) -> held.add(new String(d.getBody(), StandardCharsets.UTF_8)),
                    t -> { });
            Channel pub = a.createChannel();
            pub.confirmSelect();
            pub.basicPublish("", "slow", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    "held".getBytes(StandardCharsets.UTF_8));
            pub.waitForConfirmsOrDie(30_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> held.equals(List.of("held")));

            await().atMost(Duration.ofSeconds(30)).until(() -> !holder.isOpen());
            AMQP.Channel.Close close = (AMQP.Channel.Close) holder.getCloseReason().getReason();
            assertEquals(406, close.getReplyCode());
            assertTrue(close.getReplyText().contains("Timeout value used: 1000 ms"), close.getReplyText());
            assertTrue(b.isOpen(), "only the channel closes");
            // what it held is ready again on the home node
            await().atMost(Duration.ofSeconds(30)).until(() -> home("slow").readyCountSnapshot() == 1);
        }
    }
}
