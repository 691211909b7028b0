package io.warren.cluster.quorum.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import io.warren.cluster.quorum.state.SnapshotCodec;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetched snapshot is staged beside the replica's own data and only replaces it once installed; a fetch cut short
 * leaves the replica as it was, and an install cut short is finished the next time.
 */
class SnapshotFetchTest {
    private static final QueueKey Q = new QueueKey("/", "q");
    private static final RaftGroupId GROUP = RaftGroupId.randomId();
    private static final TermIndex AT = TermIndex.valueOf(3, 120);

    @TempDir
    Path dir;

    @Test
    void theLeadersStateAndLiveBodiesAreStagedInPartsThenReplaceTheReplicasOwn() throws Exception {
        ShardState state = stateWith(10);
        FakeLeader leader = new FakeLeader(state, Set.of(4L)); // 4 was released on the leader since the snapshot
        Path group = dir.resolve("group");
        try (SideStore old = SideStore.open(group.resolve(ShardStateMachine.BODIES_DIR))) {
            old.store(new QueueKey("/", "old"), 1, body(1)); // what the replica had: it goes
        }

        TermIndex at = new SnapshotFetch(leader, GROUP, group, "test").start("leader", 100).get(30, TimeUnit.SECONDS);

        assertEquals(AT, at);
        assertTrue(leader.stateAsks > 1 && leader.bodyAsks > 3, "state and bodies came in several parts");
        long releasedBy = SnapshotFetch.install(group, snapshotFiles());
        assertEquals(leader.releasedBy, releasedBy);
        assertFalse(Files.exists(group.resolve(SnapshotFetch.DIR)), "the staging directory is gone");
        ShardSnapshotFile file = ShardSnapshotFile.read(snapshotFiles().apply(3L, 120L).toPath());
        assertEquals(AT, file.at());
        assertArrayEquals(SnapshotCodec.encode(state), SnapshotCodec.encode(file.state()));
        try (SideStore bodies = SideStore.open(group.resolve(ShardStateMachine.BODIES_DIR))) {
            assertArrayEquals(new long[] {1, 2, 3, 5, 6, 7, 8, 9, 10}, bodies.storedIds(Q));
            assertEquals(body(7), bodies.read(Q, 7));
            assertEquals(0, bodies.storedIds(new QueueKey("/", "old")).length);
        }
    }

    @Test
    void aFetchThatFailsLeavesTheReplicaAsItWasAndIsThrownAwayAtTheNextInstall() throws Exception {
        FakeLeader leader = new FakeLeader(stateWith(10), Set.of());
        leader.failBodiesAfter = 2;
        Path group = dir.resolve("group");
        try (SideStore old = SideStore.open(group.resolve(ShardStateMachine.BODIES_DIR))) {
            old.store(Q, 1, body(1));
        }

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> new SnapshotFetch(leader, GROUP, group, "test").start("leader", 100).get(30, TimeUnit.SECONDS));

        assertTrue(failed.getCause().getMessage().contains("link dropped"), failed.getCause().getMessage());
        assertEquals(-1, SnapshotFetch.install(group, snapshotFiles()));
        assertFalse(Files.exists(group.resolve(SnapshotFetch.DIR)));
        assertFalse(snapshotFiles().apply(3L, 120L).exists());
        try (SideStore bodies = SideStore.open(group.resolve(ShardStateMachine.BODIES_DIR))) {
            assertArrayEquals(new long[] {1}, bodies.storedIds(Q), "the replica's own bodies untouched");
        }
    }

    @Test
    void anInstallCutShortAfterTheBodiesMovedIsFinishedTheNextTime() throws Exception {
        Path group = dir.resolve("group");
        new SnapshotFetch(new FakeLeader(stateWith(5), Set.of()), GROUP, group, "test").start("leader", 100)
                .get(30, TimeUnit.SECONDS);
        // as if the node died right after moving the bodies: the snapshot file is still staged
        Path staged = group.resolve(SnapshotFetch.DIR);
        Files.move(staged.resolve(ShardStateMachine.BODIES_DIR), group.resolve(ShardStateMachine.BODIES_DIR));

        SnapshotFetch.install(group, snapshotFiles());

        assertTrue(snapshotFiles().apply(3L, 120L).exists());
        assertFalse(Files.exists(staged));
        try (SideStore bodies = SideStore.open(group.resolve(ShardStateMachine.BODIES_DIR))) {
            assertArrayEquals(new long[] {1, 2, 3, 4, 5}, bodies.storedIds(Q));
        }
    }

    @Test
    void aSnapshotBehindTheLeadersLogIsRefused() {
        FakeLeader leader = new FakeLeader(stateWith(1), Set.of());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> new SnapshotFetch(leader, GROUP,
                dir.resolve("group"), "test").start("leader", 500).get(30, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("behind its log's first entry 500"),
                failed.getCause().getMessage());
    }

    private BiFunction<Long, Long, File> snapshotFiles() {
        return (term, index) -> dir.resolve("sm").resolve("snapshot." + term + "_" + index).toFile();
    }

    private static ShardState stateWith(int messages) {
        ShardState s = new ShardState();
        s.apply(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT));
        for (long i = 1; i <= messages; i++) {
            s.apply(new Command.Enqueue(new Origin("p", 1), i, Q, 100, 0, -1, 1000));
        }
        return s;
    }

    private static ByteBuffer body(long id) {
        return ByteBuffer.wrap(("body of message " + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** A leader answering from a state in small parts: 40 state bytes and 3 bodies at a time. */
    private static final class FakeLeader implements SnapshotSource {
        private final byte[] state;
        private final Set<Long> gone;
        final long releasedBy = 130;
        int stateAsks;
        int bodyAsks;
        int failBodiesAfter = Integer.MAX_VALUE;

        FakeLeader(ShardState state, Set<Long> gone) {
            this.state = SnapshotCodec.encode(state);
            this.gone = gone;
        }

        @Override
        public CompletableFuture<StateChunk> state(String node, RaftGroupId group, TermIndex at, long offset) {
            stateAsks++;
            int to = (int) Math.min(state.length, offset + 40);
            return CompletableFuture.completedFuture(new StateChunk(AT, state.length,
                    Arrays.copyOfRange(state, (int) offset, to)));
        }

        @Override
        public CompletableFuture<BodyChunk> bodies(String node, RaftGroupId group, QueueKey queue, long[] msgIds) {
            if (++bodyAsks > failBodiesAfter) {
                return CompletableFuture.failedFuture(new java.io.IOException("link dropped"));
            }
            List<ByteBuffer> out = new ArrayList<>();
            for (int i = 0; i < Math.min(3, msgIds.length); i++) {
                out.add(gone.contains(msgIds[i]) ? null : body(msgIds[i]));
            }
            return CompletableFuture.completedFuture(new BodyChunk(releasedBy, out));
        }
    }
}
