package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.alarm.MemoryWatermark;
import io.warren.broker.alarm.Resource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resource alarm on any node blocks publishers on every node, as in RabbitMQ; clearing it unblocks them. */
class ClusterAlarmTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What a client heard: connection.blocked (with its reason) and connection.unblocked. */
    private static final class Notices implements BlockedListener {
        final AtomicInteger blocked = new AtomicInteger();
        final AtomicInteger unblocked = new AtomicInteger();
        final AtomicReference<String> reason = new AtomicReference<>();

        @Override
        public void handleBlocked(String why) {
            reason.set(why);
            blocked.incrementAndGet();
        }

        @Override
        public void handleUnblocked() {
            unblocked.incrementAndGet();
        }
    }

    private static void memoryAlarm(ClusteredBroker node, boolean on) {
        node.broker().alarms().setMemoryHighWatermark(MemoryWatermark.relative(on ? 0 : 1.0));
    }

    private static void publish(Channel ch) throws Exception {
        ch.basicPublish("", "nowhere", null, "x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void memoryAlarmOnOneNodeBlocksAPublisherOnAnotherUntilItClears() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Notices notices = new Notices();
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            c.addBlockedListener(notices);
            memoryAlarm(cluster.node(0), true);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    cluster.node(2).broker().alarms().blocking().contains(Resource.MEMORY));
            assertEquals(Set.of(), cluster.node(2).broker().alarms().active(), "node c itself has no alarm");
            publish(ch); // a publishing connection is blocked when it next publishes
            await().atMost(Duration.ofSeconds(30)).until(() -> notices.blocked.get() == 1);
            assertEquals("low on memory", notices.reason.get());
            // node b's publishers too
            Notices onB = new Notices();
            try (Connection b = connect(cluster.node(1).broker()); Channel chB = b.createChannel()) {
                b.addBlockedListener(onB);
                publish(chB);
                await().atMost(Duration.ofSeconds(30)).until(() -> onB.blocked.get() == 1);

                memoryAlarm(cluster.node(0), false);
                await().atMost(Duration.ofSeconds(30)).until(() -> notices.unblocked.get() == 1
                        && onB.unblocked.get() == 1);
            }
            assertTrue(cluster.node(2).broker().alarms().blocking().isEmpty());
            // publishing goes on once unblocked: the connection is read again
            ch.queueDeclare("after", false, false, false, null);
            ch.basicPublish("", "after", null, "y".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30)).until(() -> ch.messageCount("after") == 1);
        }
    }

    @Test
    void diskAlarmOnOneNodeBlocksPublishersOnAnotherAsLowOnDisk() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Notices notices = new Notices();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            a.addBlockedListener(notices);
            cluster.node(1).broker().alarms().setDiskFreeLimit(Long.MAX_VALUE); // no disk has that much free
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    cluster.node(0).broker().alarms().blocking().contains(Resource.DISK));
            publish(ch);
            await().atMost(Duration.ofSeconds(30)).until(() -> notices.blocked.get() == 1);
            assertEquals("low on disk", notices.reason.get());
            cluster.node(1).broker().alarms().setDiskFreeLimit(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> notices.unblocked.get() == 1);
        }
    }

    @Test
    void alarmsOfANodeThatStopsReportingNoLongerBlockTheOthers() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        Notices notices = new Notices();
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            c.addBlockedListener(notices);
            memoryAlarm(cluster.node(0), true);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    cluster.node(2).broker().alarms().blocking().contains(Resource.MEMORY));
            publish(ch);
            await().atMost(Duration.ofSeconds(30)).until(() -> notices.blocked.get() == 1);
            cluster.stop(0); // as RabbitMQ drops the alarms of a node that went down
            await().atMost(Duration.ofSeconds(30)).until(() -> notices.unblocked.get() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    cluster.node(1).broker().alarms().blocking().isEmpty());
        }
    }
}
