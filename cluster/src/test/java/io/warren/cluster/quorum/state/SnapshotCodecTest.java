package io.warren.cluster.quorum.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A shard state written to a snapshot and read back is the same state, and goes on the same way. */
class SnapshotCodecTest {

    private static List<Effect> applyAll(ShardState s, List<Command> commands) {
        List<Effect> fx = new ArrayList<>();
        for (Command c : commands) {
            fx.addAll(s.apply(c));
        }
        return fx;
    }

    @Test
    void anEmptyStateRoundTrips() {
        ShardState empty = new ShardState();
        byte[] bytes = SnapshotCodec.encode(empty);
        assertArrayEquals(bytes, SnapshotCodec.encode(SnapshotCodec.decode(bytes)));
    }

    @Test
    void aBusyStateReadBackEncodesToTheSameBytes() {
        ShardState s = new ShardState();
        applyAll(s, RandomCommands.generate(42L, 10_000));
        byte[] bytes = SnapshotCodec.encode(s);
        ShardState back = SnapshotCodec.decode(bytes);
        assertArrayEquals(bytes, SnapshotCodec.encode(back));
        for (QueueKey q : s.queueKeys()) {
            assertEquals(s.counts(q), back.counts(q));
            assertEquals(s.config(q), back.config(q));
        }
        assertEquals(s.time(), back.time());
    }

    @Test
    void commandsAppliedAfterARoundTripGiveTheSameEffectsAsWithoutIt() {
        List<Command> commands = RandomCommands.generate(99L, 12_000);
        for (int cut : new int[] {10, 1_000, 6_000, 11_000}) {
            ShardState straight = new ShardState();
            applyAll(straight, commands.subList(0, cut));
            ShardState restored = SnapshotCodec.decode(SnapshotCodec.encode(straight));
            List<Command> rest = commands.subList(cut, commands.size());
            assertEquals(applyAll(straight, rest), applyAll(restored, rest), "snapshot after " + cut + " commands");
            assertArrayEquals(SnapshotCodec.encode(straight), SnapshotCodec.encode(restored));
        }
    }

    @Test
    void whatConsumersHoldAndTheirTurnsSurviveTheRoundTrip() {
        Fixture f = new Fixture();
        f.attach(QueueConfig.DEFAULT);
        f.publish(6);
        f.consume(Fixture.consumer(1), 2);
        f.consume(Fixture.consumer(2), 2);
        ShardState back = SnapshotCodec.decode(SnapshotCodec.encode(f.state));
        assertEquals(f.state.checkedOut(Fixture.Q, Fixture.consumer(1)), back.checkedOut(Fixture.Q,
                Fixture.consumer(1)));
        Command settle = new Command.Settle(Fixture.Q, Fixture.consumer(2), List.of(2L, 4L));
        assertEquals(f.state.apply(settle), back.apply(settle));
    }

    @Test
    void aTruncatedSnapshotIsRefusedWithAClearReason() {
        ShardState s = new ShardState();
        applyAll(s, RandomCommands.generate(5L, 300));
        byte[] bytes = SnapshotCodec.encode(s);
        for (int cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length / 200)) {
            byte[] part = Arrays.copyOf(bytes, cut);
            CorruptStateException e = assertThrows(CorruptStateException.class, () -> SnapshotCodec.decode(part));
            assertTrue(e.getMessage().startsWith("cannot read this snapshot: "), e.getMessage());
        }
    }
}
