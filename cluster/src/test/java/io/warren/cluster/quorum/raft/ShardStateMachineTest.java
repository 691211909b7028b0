package io.warren.cluster.quorum.raft;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardStateMachineTest {
    private static final QueueKey Q = new QueueKey("/", "orders");
    private static final Origin ORIGIN = new Origin("node-a", 7);
    private static final ConsumerKey CONSUMER = new ConsumerKey("node-a", 7, 1);

    @TempDir
    Path dir;
    private ShardGroup group;
    private RaftClient client;
    private long seq;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (group != null) {
            group.close();
        }
    }

    @Test
    void enqueuesAreConfirmedAppliedAlikeAndTheirBodiesStoredOnEveryReplica() throws Exception {
        start(1024 * 1024);
        submit(CommandBatch.of(new Command.Checkout(Q, CONSUMER, 5, 0, false, false)), List.of());
        for (int b = 0; b < 20; b++) {
            ShardReply reply = publish(10, 200);
            assertEquals(10, reply.effects().size());
            assertTrue(reply.effects().stream().allMatch(e -> e instanceof Effect.Enqueued), reply.effects()::toString);
        }
        awaitAlike();
        for (int i = 0; i < 3; i++) {
            assertBodies(i, LongStream.rangeClosed(1, 200).toArray());
        }
        // only the ready leader carried out the deliveries, and it had each body at hand
        int leader = group.leader();
        for (int i = 0; i < 3; i++) {
            List<Long> delivered = delivered(i);
            assertEquals(i == leader ? List.of(1L, 2L, 3L, 4L, 5L) : List.of(), delivered,
                    "deliveries carried out by n" + i);
        }
        submit(CommandBatch.of(new Command.Settle(Q, CONSUMER, List.of(1L, 2L, 3L, 4L, 5L))), List.of());
        awaitAlike();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(LongStream.rangeClosed(6, 200).toArray(), group.machine(i).bodies().storedIds(Q),
                    "n" + i + " after the acks");
        }
        assertEquals(10, delivered(leader).size());

        // basic.get without ack: the leader puts the body in the reply, then every replica lets it go
        ShardReply got = submit(CommandBatch.of(new Command.Dequeue(Q, new ConsumerKey("node-b", 3, 1), true)),
                List.of());
        Effect.Dequeued dequeued = (Effect.Dequeued) got.effects().get(0);
        assertEquals(11, dequeued.msgId());
        assertEquals(body(11, 200), got.dequeuedBody(11));
        awaitAlike();
        for (int i = 0; i < 3; i++) {
            assertNull(group.machine(i).bodies().read(Q, 11), "body 11 on n" + i + " after the get");
        }
    }

    @Test
    void aConfirmWaitsForAMajorityAndAReplicaThatWasDownCatchesUp() throws Exception {
        start(1024 * 1024);
        int leader = group.leader();
        int a = (leader + 1) % 3;
        int b = (leader + 2) % 3;
        group.stop(a);
        for (int i = 0; i < 5; i++) {
            publish(10, 100);
        }
        awaitAlike();

        group.stop(b);
        long committed = group.division(leader).getRaftLog().getLastCommittedIndex();
        CommandBatch batch = enqueues(10, 100);
        CompletableFuture<RaftClientReply> pending = client.async().send(
                Message.valueOf(ShardEntry.encode(batch, bodies(10, 100))));
        await().atMost(30, SECONDS).until(() ->
                group.division(leader).getRaftLog().getLastEntryTermIndex().getIndex() > committed);
        // the entry is in the leader's log, but no majority has it: no confirm
        assertFalse(pending.isDone());

        group.start(b);
        RaftClientReply reply = pending.get(30, SECONDS);
        List<Effect> confirmed = ShardReply.decode(reply.getMessage()).effects();
        assertEquals(10, confirmed.size());
        assertTrue(confirmed.stream().allMatch(e -> e instanceof Effect.Enqueued
                || e instanceof Effect.EnqueueDuplicate), confirmed::toString);
        group.start(a);
        publish(10, 100);
        awaitAlike();
        for (int i = 0; i < 3; i++) {
            assertBodies(i, LongStream.rangeClosed(1, 70).toArray());
        }
    }

    @Test
    void aReplicaRebuildsFromItsSnapshotAndTheLogAfterItOnceTheLogIsPurged() throws Exception {
        start(64 * 1024);
        submit(CommandBatch.of(new Command.Checkout(Q, CONSUMER, 50, 0, false, false)), List.of());
        for (int b = 0; b < 40; b++) {
            publish(10, 500);
        }
        settle(LongStream.rangeClosed(1, 50));
        awaitAlike();
        snapshotEverywhereAndPurge();

        // after the snapshot: bodies stored, some released; replay will meet both again
        for (int b = 0; b < 10; b++) {
            publish(10, 500);
        }
        settle(LongStream.rangeClosed(51, 80));
        awaitAlike();
        int restarted = (group.leader() + 1) % 3;
        group.stop(restarted);
        group.start(restarted);
        awaitAlike();

        ShardStateMachine m = group.machine(restarted);
        // 51..80 were held by the snapshot and released after it; the body store does not write releases down, so
        // they are back at open (none lacking) and the replay released them again; none lost
        assertEquals(Map.of(), m.reconciliation().lacking());
        assertEquals(Map.of(), m.lostBodies());
        long[] live = m.readState(s -> s.liveMsgIds(Q));
        assertArrayEquals(LongStream.rangeClosed(81, 500).toArray(), live);
        // nothing stored twice, nothing released kept
        assertArrayEquals(live, m.bodies().storedIds(Q));
        assertBodies(restarted, live);
    }

    @Test
    void aBodyStoreThatDisagreesWithTheSnapshotIsReconciledAndALostBodyReported() throws Exception {
        start(64 * 1024);
        submit(CommandBatch.of(new Command.Checkout(Q, CONSUMER, 20, 0, false, false)), List.of());
        for (int b = 0; b < 30; b++) {
            publish(10, 300);
        }
        settle(LongStream.rangeClosed(1, 20));
        awaitAlike();
        snapshotEverywhereAndPurge();
        int node = (group.leader() + 1) % 3;
        group.stop(node);

        // as after a crash that lost acks (1..20 back), a stray queue's log, and msgId 42 lost
        Path bodiesDir = dir.resolve("n" + node).resolve(ShardGroup.GROUP.getUuid().toString())
                .resolve(ShardStateMachine.BODIES_DIR);
        QueueKey stray = new QueueKey("/", "deleted-long-ago");
        try (SideStore store = SideStore.open(bodiesDir)) {
            store.remove(Q);
            for (long id = 1; id <= 300; id++) {
                if (id != 42) {
                    store.store(Q, id, body(id, 300));
                }
            }
            store.store(stray, 1, body(1, 300));
            store.flush();
        }

        group.start(node);
        ShardStateMachine m = group.machine(node);
        SideStore.Reconciliation r = m.reconciliation();
        assertEquals(1, r.logsDeleted());
        assertEquals(20, r.bodiesReleased());
        assertEquals(java.util.Set.of(Q), r.lacking().keySet());
        assertArrayEquals(new long[] {42}, r.lacking().get(Q));
        publish(10, 300); // the replica judges what is lost once it applies past its log's end
        awaitAlike();
        assertEquals(Map.of(Q, List.of(42L)), m.lostBodies());
        long[] nowLive = m.readState(s -> s.liveMsgIds(Q));
        assertArrayEquals(Arrays.stream(nowLive).filter(id -> id != 42).toArray(), m.bodies().storedIds(Q));
        assertEquals(0, m.bodies().storedIds(stray).length);
    }

    // --- helpers

    private void start(long segmentBytes) throws Exception {
        group = new ShardGroup(dir, 3, segmentBytes);
        client = group.client();
        submit(CommandBatch.of(new Command.AttachQueue(Q, 1, QueueConfig.DEFAULT)), List.of());
        await().atMost(30, SECONDS).until(() -> group.leader() >= 0);
    }

    private ShardReply publish(int n, int bodyBytes) throws IOException {
        long first = seq + 1;
        CommandBatch batch = enqueues(n, bodyBytes);
        ShardReply reply = submit(batch, bodies(first, n, bodyBytes));
        return reply;
    }

    /** The next n enqueues (advances seq). */
    private CommandBatch enqueues(int n, int bodyBytes) {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            commands.add(new Command.Enqueue(ORIGIN, ++seq, Q, bodyBytes, 0, -1, 0));
        }
        return new CommandBatch(commands);
    }

    /** Bodies for the n enqueues just made by enqueues(). */
    private List<ByteBuffer> bodies(int n, int bodyBytes) {
        return bodies(seq - n + 1, n, bodyBytes);
    }

    private List<ByteBuffer> bodies(long first, int n, int bodyBytes) {
        List<ByteBuffer> out = new ArrayList<>();
        for (long s = first; s < first + n; s++) {
            out.add(body(s, bodyBytes));
        }
        return out;
    }

    /** Message s's bytes (msgId equals seq here: one origin, one queue, nothing refused). */
    private static ByteBuffer body(long s, int bytes) {
        byte[] b = new byte[bytes];
        byte[] tag = ("message " + s + " ").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes; i++) {
            b[i] = tag[i % tag.length];
        }
        return ByteBuffer.wrap(b);
    }

    private ShardReply submit(CommandBatch batch, List<ByteBuffer> bodies) throws IOException {
        RaftClientReply reply = client.io().send(Message.valueOf(ShardEntry.encode(batch, bodies)));
        assertTrue(reply.isSuccess(), reply::toString);
        return ShardReply.decode(reply.getMessage());
    }

    private void settle(LongStream ids) throws IOException {
        submit(CommandBatch.of(new Command.Settle(Q, CONSUMER, ids.boxed().toList())), List.of());
    }

    private void snapshotEverywhereAndPurge() throws Exception {
        for (int i = 0; i < 3; i++) {
            RaftClientReply r = client.getSnapshotManagementApi(group.id(i)).create(30_000);
            assertTrue(r.isSuccess(), "snapshot on n" + i + ": " + r);
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(30, SECONDS).until(() -> group.division(n).getRaftLog().getStartIndex() > 0);
        }
    }

    /** Every running replica has applied the same entries into the same state. */
    private void awaitAlike() {
        await().atMost(30, SECONDS).untilAsserted(() -> {
            List<Integer> running = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                if (group.running(i)) {
                    running.add(i);
                }
            }
            long applied = group.machine(running.get(0)).getLastAppliedTermIndex().getIndex();
            byte[] state = group.machine(running.get(0)).stateBytes();
            for (int i : running) {
                assertEquals(applied, group.machine(i).getLastAppliedTermIndex().getIndex(), "applied on n" + i);
                assertArrayEquals(state, group.machine(i).stateBytes(), "state on n" + i);
            }
        });
    }

    private void assertBodies(int node, long[] ids) throws IOException {
        SideStore store = group.machine(node).bodies();
        for (long id : ids) {
            ByteBuffer b = store.read(Q, id);
            assertNotNull(b, "body " + id + " on n" + node);
            assertEquals(body(id, b.remaining()), b, "body " + id + " on n" + node);
        }
    }

    private List<Long> delivered(int node) {
        return group.carriedOut.get(node).stream().filter(e -> e instanceof Effect.Deliver)
                .map(e -> ((Effect.Deliver) e).msgId()).toList();
    }
}
