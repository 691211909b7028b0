package io.warren.cluster.quorum.front;

import static io.warren.cluster.quorum.front.QuorumPublishTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.raft.ExpiryDriver;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What driving time costs: the ticks and state looks of three idle nodes whose shards hold TTL and x-expires queues,
 * then of a stream of expiring messages, and the time one look at a shard of 1,000 queues takes. Prints figures;
 * run with -Dquorum.measure=true.
 */
@EnabledIfSystemProperty(named = "quorum.measure", matches = "true")
class QuorumTtlMeasure {
    @TempDir
    Path dir;

    private static ExpiryDriver.Counts sum(TestCluster c) {
        long looks = 0;
        long ticks = 0;
        long deletions = 0;
        for (int i = 0; i < 3; i++) {
            ExpiryDriver.Counts n = c.node(i).node().quorumExpiry().counts();
            looks += n.looks();
            ticks += n.ticks();
            deletions += n.deletions();
        }
        return new ExpiryDriver.Counts(looks, ticks, deletions);
    }

    private static long cpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    @Test
    void idleAndBusyShards() throws Exception {
        try (TestCluster c = QuorumPublishTest.threeNodesWithShards(dir);
             Connection a = connect(c.node(0).broker()); Channel ch = a.createChannel()) {
            for (int i = 0; i < 20; i++) {
                ch.queueDeclare("ttl-" + i, true, false, false, Map.of("x-queue-type", "quorum",
                        "x-message-ttl", 60_000));
                ch.queueDeclare("exp-" + i, true, false, false, Map.of("x-queue-type", "quorum",
                        "x-expires", 3_600_000));
            }
            Thread.sleep(5_000);
            ExpiryDriver.Counts before = sum(c);
            long cpu = cpuMs();
            Thread.sleep(20_000);
            ExpiryDriver.Counts after = sum(c);
            System.out.printf("idle 20 s, 40 queues: looks %d, ticks %d, deletions %d; JVM CPU %d ms%n",
                    after.looks() - before.looks(), after.ticks() - before.ticks(),
                    after.deletions() - before.deletions(), cpuMs() - cpu);

            ch.queueDeclare("stream", true, false, false, Map.of("x-queue-type", "quorum", "x-message-ttl", 1_000));
            Thread.sleep(1_000);
            before = sum(c);
            ch.confirmSelect();
            long start = System.nanoTime();
            for (int i = 0; i < 2_000; i++) {
                ch.basicPublish("", "stream", MessageProperties.PERSISTENT_BASIC, new byte[256]);
                if (i % 100 == 99) {
                    ch.waitForConfirmsOrDie(30_000);
                    Thread.sleep(100); // about 2 s of publishing
                }
            }
            ch.waitForConfirmsOrDie(30_000);
            long published = System.nanoTime();
            List<QuorumQueue> qs = IntStream.range(0, 3)
                    .mapToObj(i -> (QuorumQueue) c.node(i).broker().vhost("/").queue("stream")).toList();
            await().atMost(Duration.ofSeconds(60)).until(() -> qs.stream()
                    .allMatch(q -> q.localCounts() != null && q.localCounts().ready() == 0));
            long empty = System.nanoTime();
            after = sum(c);
            System.out.printf("2,000 messages of TTL 1 s published over %d ms: all expired %d ms after the last "
                            + "confirm (TTL 1,000 ms); looks %d, ticks %d%n", (published - start) / 1_000_000,
                    (empty - published) / 1_000_000, after.looks() - before.looks(), after.ticks() - before.ticks());
        }
    }

    @Test
    void oneLookAtAShardOfAThousandQueues() {
        ShardState s = new ShardState();
        QueueConfig ttl = new QueueConfig(-1, -1, QueueConfig.Overflow.DROP_HEAD, 20, false,
                QueueConfig.DeadLetterStrategy.AT_MOST_ONCE, 60_000, false);
        for (int i = 0; i < 1_000; i++) {
            QueueKey q = new QueueKey("/", "q" + i);
            s.apply(new Command.AttachQueue(q, i + 1, ttl));
            for (int m = 0; m < 10; m++) {
                s.apply(new Command.Enqueue(new Origin("a", 1), i * 10L + m + 1, q, 100, 0, -1, 1_000 + m));
            }
        }
        long sink = 0;
        for (int i = 0; i < 2_000; i++) { // warm-up
            sink += s.nextExpiry() + s.unusedSince().size();
        }
        int runs = 5_000;
        long t = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            sink += s.nextExpiry() + s.unusedSince().size();
        }
        long perLook = (System.nanoTime() - t) / runs;
        System.out.printf("one look at 1,000 queues (10 messages each): %d µs%n", perLook / 1_000);
        assertEquals(61_001, s.nextExpiry()); // the latest enqueue time 1,000 + TTL + 1
        System.out.println(sink == 42 ? "" : "ok");
    }
}
