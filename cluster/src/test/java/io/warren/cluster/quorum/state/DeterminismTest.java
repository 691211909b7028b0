package io.warren.cluster.quorum.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replicas that apply the same log hold the same state and compute the same effects. */
class DeterminismTest {

    private static List<Effect> applyAll(ShardState s, List<Command> commands) {
        List<Effect> fx = new ArrayList<>();
        for (Command c : commands) {
            fx.addAll(s.apply(c));
        }
        return fx;
    }

    @Test
    void thousandsOfRandomCommandsGiveTwoFreshStatesEqualStatesAndEqualEffects() {
        List<Command> commands = RandomCommands.generate(20261203L, 20_000);
        ShardState a = new ShardState();
        ShardState b = new ShardState();
        List<Effect> fa = applyAll(a, commands);
        List<Effect> fb = applyAll(b, commands);
        assertEquals(fa, fb);
        assertArrayEquals(SnapshotCodec.encode(a), SnapshotCodec.encode(b));
        // the sequence exercised what it should, or equal results would prove little
        for (Class<?> kind : List.of(Effect.Deliver.class, Effect.Released.class, Effect.DeadLetter.class,
                Effect.Dropped.class, Effect.EnqueueRefused.class, Effect.EnqueueDuplicate.class,
                Effect.Dequeued.class, Effect.ConsumerCancelled.class, Effect.ConsumerActivity.class,
                Effect.Purged.class, Effect.QueueRemoved.class)) {
            assertTrue(fa.stream().anyMatch(kind::isInstance), "no " + kind.getSimpleName() + " in the run");
        }
        assertTrue(fa.stream().anyMatch(e -> e instanceof Effect.Deliver d && d.redelivered()));
        assertTrue(fa.stream().anyMatch(e -> e instanceof Effect.DeadLetter d && d.atLeastOnce()));
    }

    @Test
    void theSameLogSentThroughTheCodecInBatchesGivesTheSameEffects() {
        List<Command> commands = RandomCommands.generate(7L, 5_000);
        ShardState direct = new ShardState();
        List<Effect> expected = applyAll(direct, commands);
        ShardState replica = new ShardState();
        List<Effect> actual = new ArrayList<>();
        for (int from = 0; from < commands.size(); from += 37) {
            CommandBatch batch = new CommandBatch(commands.subList(from, Math.min(commands.size(), from + 37)));
            actual.addAll(replica.apply(CommandCodec.decode(CommandCodec.encode(batch))));
        }
        assertEquals(expected, actual);
        assertArrayEquals(SnapshotCodec.encode(direct), SnapshotCodec.encode(replica));
    }

    @Test
    void differentLogsGiveDifferentStates() {
        ShardState a = new ShardState();
        ShardState b = new ShardState();
        applyAll(a, RandomCommands.generate(1L, 2_000));
        applyAll(b, RandomCommands.generate(2L, 2_000));
        assertTrue(!java.util.Arrays.equals(SnapshotCodec.encode(a), SnapshotCodec.encode(b)),
                "the snapshot comparison can tell states apart");
    }
}
