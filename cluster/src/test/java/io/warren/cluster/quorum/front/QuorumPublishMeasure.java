package io.warren.cluster.quorum.front;

import static io.warren.cluster.quorum.front.QuorumPublishTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.warren.cluster.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check of speed: one publisher, 1 KiB persistent messages, 200 unconfirmed at most, to a
 * quorum queue of a three-node in-process cluster, through the node that leads its shard and through another.
 * Prints confirmed msg/s. Run with -Dquorum.measure=true; it asserts only that every message was confirmed.
 */
@EnabledIfSystemProperty(named = "quorum.measure", matches = "true")
class QuorumPublishMeasure {
    private static final int WARM_UP = 5_000;
    private static final int MEASURED = 30_000;
    private static final int IN_FLIGHT = 200;
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Starts three nodes, declares the quorum queue "measure" on all of them; returns its shard leader's index. */
    private int threeNodesWithTheMeasureQueue() throws Exception {
        cluster = QuorumPublishTest.threeNodesWithShards(dir);
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("measure", true, false, false, Map.of("x-queue-type", "quorum"));
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(n).broker().vhost("/")
                    .queue("measure") instanceof QuorumQueue);
        }
        String leader = cluster.node(0).node().queueNode("/", "measure");
        int leaderIndex = leader.charAt(leader.length() - 1) - 'a';
        return leaderIndex;
    }

    @Test
    void publishConfirmRateThroughTheLeadersNodeAndThroughAnother() throws Exception {
        int leaderIndex = threeNodesWithTheMeasureQueue();
        int other = (leaderIndex + 1) % 3;
        for (int round = 0; round < 2; round++) {
            for (int node : new int[] {leaderIndex, other}) {
                double rate = run(node);
                System.out.printf("quorum publish+confirm, 1 KiB, %d in flight, through %s (%s): %.0f msg/s%n",
                        IN_FLIGHT, "node" + (char) ('a' + node), node == leaderIndex ? "shard leader" : "follower",
                        rate);
                try (Connection c = connect(cluster.node(node).broker()); Channel ch = c.createChannel()) {
                    ch.queuePurge("measure");
                }
            }
        }
    }

    /**
     * One publisher (200 unconfirmed at most) and one consumer (prefetch 200, an ack per message) on the same node,
     * the leader's and then another: msg/s consumed, the process's CPU per message (the three nodes and the clients
     * share it) and the shard's log entries per message (from the leader's applied index).
     */
    @Test
    void publishAndConsumeRateThroughTheLeadersNodeAndThroughAnother() throws Exception {
        int leaderIndex = threeNodesWithTheMeasureQueue();
        for (int node : new int[] {leaderIndex, (leaderIndex + 1) % 3}) {
            QuorumQueue q = (QuorumQueue) cluster.node(leaderIndex).broker().vhost("/").queue("measure");
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long[] out = publishAndConsume(node, q, os);
            long cpu = out[2];
            long entries = out[3];
            System.out.printf("quorum publish+consume, 1 KiB, through %s (%s): %.0f msg/s, %.0f us CPU/msg (whole "
                    + "process), %.3f log entries/msg, load %.1f%n", "node" + (char) ('a' + node),
                    node == leaderIndex ? "shard leader" : "follower", out[0] * 1e9 / out[1],
                    cpu / 1000.0 / out[0], entries / (double) out[0], os.getSystemLoadAverage());
        }
    }

    // {messages consumed in the measured part, its nanoseconds, the process's CPU nanoseconds, log entries}
    private long[] publishAndConsume(int node, QuorumQueue q, com.sun.management.OperatingSystemMXBean os)
            throws Exception {
        long index0 = 0;
        long cpu0 = 0;
        byte[] body = new byte[1024];
        int total = WARM_UP + MEASURED;
        try (Connection c = connect(cluster.node(node).broker()); Channel pub = c.createChannel();
             Channel sub = c.createChannel()) {
            java.util.concurrent.CountDownLatch warm = new java.util.concurrent.CountDownLatch(WARM_UP);
            java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(total);
            sub.basicQos(IN_FLIGHT);
            sub.basicConsume("measure", false, new com.rabbitmq.client.DefaultConsumer(sub) {
                @Override
                public void handleDelivery(String tag, com.rabbitmq.client.Envelope env,
                                           com.rabbitmq.client.AMQP.BasicProperties p, byte[] b) throws
                        java.io.IOException {
                    sub.basicAck(env.getDeliveryTag(), false);
                    warm.countDown();
                    all.countDown();
                }
            });
            pub.confirmSelect();
            Semaphore window = new Semaphore(IN_FLIGHT);
            AtomicLong confirmed = new AtomicLong();
            java.util.concurrent.ConcurrentSkipListSet<Long> open = new java.util.concurrent.ConcurrentSkipListSet<>();
            pub.addConfirmListener((tag, multiple) -> settle(open, tag, multiple, window, confirmed),
                    (tag, multiple) -> settle(open, tag, multiple, window, confirmed));
            long start = 0;
            for (int i = 0; i < total; i++) {
                if (i == WARM_UP) {
                    if (!warm.await(60, TimeUnit.SECONDS)) {
                        throw new AssertionError("the warm-up was not consumed");
                    }
                    start = System.nanoTime();
                    cpu0 = os.getProcessCpuTime();
                    index0 = q.localReplica().getLastAppliedTermIndex().getIndex();
                }
                window.acquire();
                open.add(pub.getNextPublishSeqNo());
                pub.basicPublish("", "measure", MessageProperties.PERSISTENT_BASIC, body);
            }
            if (!all.await(120, TimeUnit.SECONDS)) {
                throw new AssertionError("not consumed: " + all.getCount());
            }
            return new long[] {MEASURED, System.nanoTime() - start, os.getProcessCpuTime() - cpu0,
                q.localReplica().getLastAppliedTermIndex().getIndex() - index0};
        }
    }

    @Test
    void latencyOfOneConfirmedPublishAtATime() throws Exception {
        int leaderIndex = threeNodesWithTheMeasureQueue();
        byte[] body = new byte[1024];
        for (int node : new int[] {leaderIndex, (leaderIndex + 1) % 3}) {
            try (Connection c = connect(cluster.node(node).broker()); Channel ch = c.createChannel()) {
                ch.confirmSelect();
                long[] micros = new long[300];
                for (int i = -50; i < micros.length; i++) {
                    long t0 = System.nanoTime();
                    ch.basicPublish("", "measure", MessageProperties.PERSISTENT_BASIC, body);
                    ch.waitForConfirmsOrDie(30_000);
                    if (i >= 0) {
                        micros[i] = (System.nanoTime() - t0) / 1000;
                    }
                }
                java.util.Arrays.sort(micros);
                System.out.printf("one confirmed publish at a time through %s (%s): median %.1f ms, p90 %.1f ms, "
                        + "max %.1f ms%n", "node" + (char) ('a' + node), node == leaderIndex ? "shard leader"
                        : "follower", micros[150] / 1000.0, micros[270] / 1000.0, micros[299] / 1000.0);
                ch.queuePurge("measure");
            }
        }
    }

    @Test
    void idleCpuOfThreeNodesWithAndWithoutShards() throws Exception {
        for (boolean shards : new boolean[] {true, false}) {
            TestCluster c = new TestCluster(dir.resolve(shards ? "with" : "without"), 3);
            cluster = shards ? QuorumPublishTest.threeNodesWithShards(c) : c.noQuorumShards().startAll();
            Thread.sleep(15_000); // elections and formation settle
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpu = os.getProcessCpuTime();
            long wall = System.nanoTime();
            Thread.sleep(30_000);
            double share = (os.getProcessCpuTime() - cpu) / (double) (System.nanoTime() - wall);
            System.out.printf("idle, 3 in-process nodes, %s shards: %.1f%% of one core, %d threads%n",
                    shards ? "with" : "without", share * 100, Thread.activeCount());
            cluster.close();
            cluster = null;
        }
    }

    private double run(int node) throws Exception {
        byte[] body = new byte[1024];
        try (Connection c = connect(cluster.node(node).broker()); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            Semaphore window = new Semaphore(IN_FLIGHT);
            AtomicLong confirmed = new AtomicLong();
            AtomicLong nacked = new AtomicLong();
            java.util.concurrent.ConcurrentSkipListSet<Long> open = new java.util.concurrent.ConcurrentSkipListSet<>();
            ch.addConfirmListener((tag, multiple) -> settle(open, tag, multiple, window, confirmed),
                    (tag, multiple) -> nacked.addAndGet(settle(open, tag, multiple, window, confirmed)));
            long start = 0;
            for (int i = 0; i < WARM_UP + MEASURED; i++) {
                if (i == WARM_UP) {
                    window.acquire(IN_FLIGHT);
                    window.release(IN_FLIGHT);
                    start = System.nanoTime();
                }
                window.acquire();
                open.add(ch.getNextPublishSeqNo());
                ch.basicPublish("", "measure", MessageProperties.PERSISTENT_BASIC, body);
            }
            if (!window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
                throw new AssertionError("confirms missing: " + open.size());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(0, nacked.get());
            return MEASURED / seconds;
        }
    }

    private static long settle(java.util.concurrent.ConcurrentSkipListSet<Long> open, long tag, boolean multiple,
                               Semaphore window, AtomicLong confirmed) {
        long n = 0;
        if (multiple) {
            var head = open.headSet(tag, true);
            n = head.size();
            head.clear();
        } else if (open.remove(tag)) {
            n = 1;
        }
        confirmed.addAndGet(n);
        window.release((int) n);
        return n;
    }
}
