package io.warren.cluster.quorum.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check of speed: batches of 100 enqueues of 1 KiB through three shard replicas in this JVM,
 * confirmed msg/s printed. Run with -Dquorum.measure=true; it asserts only that every enqueue was confirmed.
 */
@EnabledIfSystemProperty(named = "quorum.measure", matches = "true")
class ShardThroughputMeasure {
    private static final QueueKey Q = new QueueKey("/", "bench");
    private static final Origin ORIGIN = new Origin("bench", 1);

    @TempDir
    Path dir;

    @Test
    void confirmedMessagesPerSecond() throws Exception {
        try (ShardGroup group = new ShardGroup(dir, 3, 4L * 1024 * 1024); RaftClient client = group.client()) {
            client.io().send(Message.valueOf(ShardEntry.encode(
                    CommandBatch.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT)), List.of())));
            long[] seq = {0};
            ByteBuffer body = ByteBuffer.allocate(1024);
            for (int inFlight : new int[] {1, 4, 8}) {
                run(client, seq, body, inFlight, 50); // warm-up
                long confirmed = run(client, seq, body, inFlight, 300);
                assertEquals(300 * 100, confirmed);
            }
        }
    }

    private static long run(RaftClient client, long[] seq, ByteBuffer body, int inFlight, int batches)
            throws Exception {
        Semaphore window = new Semaphore(inFlight);
        AtomicLong confirmed = new AtomicLong();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            List<Command> commands = new ArrayList<>();
            List<ByteBuffer> bodies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                commands.add(new Command.Enqueue(ORIGIN, ++seq[0], Q, 1024, 0, -1, 0));
                bodies.add(body.duplicate());
            }
            window.acquire();
            all.add(client.async().send(Message.valueOf(ShardEntry.encode(new CommandBatch(commands), bodies)))
                    .whenComplete((reply, failure) -> {
                        window.release();
                        if (reply != null && reply.isSuccess()) {
                            confirmed.addAndGet(ShardReply.decode(reply.getMessage()).effects().stream()
                                    .filter(e -> e instanceof Effect.Enqueued).count());
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("MEASURE %d batches x 100 x 1 KiB, %d in flight: %.0f confirmed msg/s (%.2f s)%n",
                batches, inFlight, confirmed.get() / seconds, seconds);
        return confirmed.get();
    }
}
