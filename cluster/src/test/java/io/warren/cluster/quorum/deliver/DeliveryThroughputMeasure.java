package io.warren.cluster.quorum.deliver;

import static io.warren.cluster.quorum.deliver.LeaderFixture.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.broker.message.Message;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check of speed: 1 KiB messages from a shard leader to a consumer on another node of three
 * in-process nodes, deliveries/s printed. Run with -Dquorum.measure=true; it asserts only that all arrived.
 */
@EnabledIfSystemProperty(named = "quorum.measure", matches = "true")
class DeliveryThroughputMeasure {
    private static final int MESSAGES = 20_000;
    private static final int PER_ENTRY = 100;
    @TempDir
    Path dir;

    /** Counts what arrives, and lets each message go at once. */
    private static final class CountingTarget implements QuorumConsumerTarget {
        final AtomicLong got = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void deliver(long msgId, boolean redelivered, int deliveryCount, Message message) {
            bytes.addAndGet(message.bodySize());
            message.release();
            got.incrementAndGet();
        }

        @Override
        public void cancelled(String why) {
        }
    }

    @Test
    void deliveriesPerSecondToAConsumerOnAnotherNode() throws Exception {
        try (LeaderFixture f = new LeaderFixture(dir)) {
            byte[] body = new byte[1024];

            // a backlog handed to a consumer that arrives: one entry, bodies read from the body store
            QueueKey backlog = new QueueKey("/", "backlog");
            f.attach(backlog, QueueConfig.DEFAULT);
            publish(f, backlog, body, MESSAGES, 4);
            CountingTarget drain = new CountingTarget();
            ConsumerKey drainer = f.consumer(f.b, 1, drain);
            long start = System.nanoTime();
            f.submit(new Command.Checkout(backlog, drainer, 0, 0, false, false));
            await().atMost(Duration.ofMinutes(5)).until(() -> drain.got.get() >= MESSAGES);
            report("backlog of " + MESSAGES + " to a consumer on another node (one Checkout)", MESSAGES, start);

            // a stream: a consumer on another node while 4 entries of 100 are in flight
            QueueKey stream = new QueueKey("/", "stream");
            f.attach(stream, QueueConfig.DEFAULT);
            CountingTarget live = new CountingTarget();
            f.submit(new Command.Checkout(stream, f.consumer(f.b, 2, live), 0, 0, false, false));
            start = System.nanoTime();
            publish(f, stream, body, MESSAGES, 4);
            long confirmed = System.nanoTime();
            await().atMost(Duration.ofMinutes(5)).until(() -> live.got.get() >= MESSAGES);
            report("streamed to a consumer on another node, 4 entries of 100 in flight (confirms done after "
                    + (confirmed - start) / 1_000_000 + " ms)", MESSAGES, start);
            // the same stream to a consumer on the leader's node, for comparison
            QueueKey near = new QueueKey("/", "near");
            f.attach(near, QueueConfig.DEFAULT);
            CountingTarget local = new CountingTarget();
            f.submit(new Command.Checkout(near, f.consumer(f.leader, 3, local), 0, 0, false, false));
            start = System.nanoTime();
            publish(f, near, body, MESSAGES, 4);
            await().atMost(WAIT).until(() -> local.got.get() >= MESSAGES);
            report("streamed to a consumer on the leader's node, 4 entries of 100 in flight", MESSAGES, start);
            System.out.printf("leader's counts: %s%n", f.node(f.leader).quorumDeliveries().counts());
            assertTrue(drain.bytes.get() == (long) MESSAGES * 1024 && live.bytes.get() == (long) MESSAGES * 1024);
        }
    }

    private static void publish(LeaderFixture f, QueueKey q, byte[] body, int messages, int inFlight)
            throws Exception {
        Semaphore window = new Semaphore(inFlight);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int sent = 0; sent < messages; sent += PER_ENTRY) {
            window.acquire();
            all.add(f.enqueueAsync(q, body, PER_ENTRY).whenComplete((r, e) -> window.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    }

    private static void report(String what, int messages, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("MEASURE %s: %d messages in %.2f s = %.0f deliveries/s%n", what, messages, seconds,
                messages / seconds);
    }
}
