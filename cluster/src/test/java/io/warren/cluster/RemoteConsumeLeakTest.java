package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.LeakReports;
import io.warren.broker.queue.AmqpQueue;
import io.warren.cluster.remote.RemoteQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages that cross the cluster link are released on both nodes once they are settled: on the home node a message
 * published over the link is a retained slice of the received frame, and a delivery acked over the link must let it
 * go as a local channel's ack does. Runs in a JVM of its own (the cluster module's leak-tests execution), because
 * Netty's leak detector must be installed before any buffer class loads.
 */
class RemoteConsumeLeakTest {
    static final List<String> LEAKS = LeakReports.install();

    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void messagesPublishedAndAckedThroughAnotherNodeAreReleasedOnTheHome() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        int count = 2_000;
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("settled", true, false, false, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue("settled")
                instanceof RemoteQueue);
        byte[] body = new byte[2_000];
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < count; i++) {
                ch.basicPublish("", "settled", i % 2 == 0 ? MessageProperties.PERSISTENT_BASIC : null, body);
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        AtomicInteger acked = new AtomicInteger();
        try (Connection b = connect(cluster.node(1).broker())) {
            Channel ch = b.createChannel();
            ch.basicQos(50);
            ch.basicConsume("settled", false, (tag, d) -> {
                ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
                acked.incrementAndGet();
            }, tag -> { });
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() == count);
        }
        AmqpQueue home = cluster.node(0).broker().vhost("/").queue("settled");
        await().atMost(Duration.ofSeconds(30)).until(() -> home.readyCountSnapshot() == 0
                && home.unackedCountSnapshot() == 0);
        assertNoLeaks();
    }

    private static void assertNoLeaks() throws InterruptedException {
        for (int i = 0; i < 20 && LEAKS.isEmpty(); i++) {
            System.gc();
            Thread.sleep(100);
            for (int j = 0; j < 100; j++) {
                ByteBufAllocator.DEFAULT.directBuffer(16).release(); // tracked allocations report queued leaks
                ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        assertEquals(List.of(), LEAKS, "ByteBuf leaks reported by Netty's leak detector");
    }
}
