package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.raft.SideStore.Reconciliation;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import io.warren.cluster.quorum.state.SnapshotCodec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard replica on Ratis. Each entry ({@link ShardEntry}: a command batch, its enqueues' bodies, the leader's
 * clock) is applied to the {@link ShardState}; bodies of accepted enqueues go to the {@link SideStore} and leave it
 * when the state releases them; the submitter's reply ({@link ShardReply}) says which enqueues were confirmed or
 * refused. Deliveries and other leader work go to {@link ShardEffects} only while this replica is the ready leader.
 * A snapshot is the state's metadata at an applied index, written once the bodies up to it are on disk; Ratis then
 * purges the log behind it, so bodies are never read back from the log. A replica that needs entries the leader purged
 * is told to install a snapshot (Ratis notify mode) and fetches the state and live bodies through its
 * {@link SnapshotSource} ({@link SnapshotFetch}).
 */
public final class ShardStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ShardStateMachine.class);
    /** Where a replica's bodies live, inside its group's Ratis directory (removed with the group). */
    static final String BODIES_DIR = "bodies";

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final ShardEffects effects;
    private final SnapshotSource snapshots;
    private SnapshotFetch fetch;
    private Path groupDir;
    private ShardState state = new ShardState();
    private SideStore bodies;
    private volatile Reconciliation reconciliation;
    /** Bodies the snapshot holds but the store lacked at start: the replay must release them, or they are lost. */
    private final Map<QueueKey, java.util.TreeSet<Long>> unaccounted = new HashMap<>();
    /** The local log's last index when the replay began (-1: not known yet); the unaccounted are judged there. */
    private long replayEnd = -1;
    private volatile Map<QueueKey, List<Long>> lostBodies = Map.of();
    private volatile boolean leader;
    private volatile boolean leaderReady;

    public ShardStateMachine(ShardEffects effects) {
        this(effects, SnapshotSource.NONE);
    }

    /** snapshots: where this replica fetches a snapshot when Ratis tells it to install one (notify mode). */
    public ShardStateMachine(ShardEffects effects, SnapshotSource snapshots) {
        this.effects = effects;
        this.snapshots = snapshots;
    }

    /** For {@code RaftServer.Builder.setStateMachineRegistry}: a shard state machine per group. */
    public static StateMachine.Registry registry(Function<RaftGroupId, ShardEffects> effects) {
        return registry(effects, SnapshotSource.NONE);
    }

    /** As {@link #registry(Function)}, the replicas fetching snapshots from the given source. */
    public static StateMachine.Registry registry(Function<RaftGroupId, ShardEffects> effects,
                                                 SnapshotSource snapshots) {
        return groupId -> new ShardStateMachine(effects.apply(groupId), snapshots);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            groupDir = raftStorage.getStorageDir().getRoot().toPath();
            fetch = new SnapshotFetch(snapshots, groupId, groupDir, String.valueOf(getId()));
            long releasedBy = SnapshotFetch.install(groupDir, storage::getSnapshotFile); // one fetched before a crash
            bodies = SideStore.open(groupDir.resolve(BODIES_DIR));
            loadSnapshot(releasedBy);
        });
        effects.attached(this);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** Ratis pauses the state machine once a fetched snapshot is ready, then reinitializes it (which installs it). */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After a pause: a fetched snapshot becomes this replica's (its bodies too), and is loaded. */
    @Override
    public void reinitialize() throws IOException {
        synchronized (this) {
            bodies.close();
            long releasedBy = SnapshotFetch.install(groupDir, storage::getSnapshotFile);
            bodies = SideStore.open(groupDir.resolve(BODIES_DIR));
            loadSnapshot(releasedBy);
        }
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Takes the latest snapshot's state (none: empty), then brings the body store in line with it. releasedBy: for a
     * fetched snapshot, the index by which the log releases the bodies that were gone when fetched (else -1).
     */
    private synchronized void loadSnapshot(long releasedBy) throws IOException {
        SingleFileSnapshotInfo info = storage.loadLatestSnapshot();
        if (info != null && Files.exists(info.getFile().getPath())) {
            ShardSnapshotFile snapshot = ShardSnapshotFile.read(info.getFile().getPath());
            if (!snapshot.at().equals(info.getTermIndex())) {
                throw new IOException(info.getFile().getPath() + " holds the state at " + snapshot.at()
                        + ", not at " + info.getTermIndex() + " as its name says");
            }
            state = snapshot.state();
            setLastAppliedTermIndex(snapshot.at());
            LOG.info("{}: shard state loaded from the snapshot at {}", getId(), snapshot.at());
        } else {
            state = new ShardState();
        }
        reconciliation = bodies.reconcile(state);
        unaccounted.clear();
        reconciliation.lacking().forEach((q, ids) -> unaccounted.put(q,
                java.util.Arrays.stream(ids).boxed().collect(java.util.stream.Collectors.toCollection(
                        java.util.TreeSet::new))));
        replayEnd = releasedBy;
    }

    /**
     * Once the replay has passed the end of the local log at start, a body the state still holds but the store
     * never had is lost: said loudly, never silently.
     */
    private void account(long index, List<Effect> all) {
        for (Effect f : all) {
            if (f instanceof Effect.QueueRemoved q) {
                unaccounted.remove(q.queue());
            } else if (releases(f)) {
                java.util.TreeSet<Long> ids = unaccounted.get(f.queue());
                if (ids != null) {
                    ids.remove(msgId(f));
                }
            }
        }
        judge(index);
    }

    /** Entries without commands (a new term's first, configurations) move the replay on too. */
    @Override
    public synchronized void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        if (!unaccounted.isEmpty()) {
            judge(index);
        }
    }

    private void judge(long index) {
        if (replayEnd < 0) {
            try {
                TermIndex end = getServer().join().getDivision(getGroupId()).getRaftLog().getLastEntryTermIndex();
                replayEnd = end == null ? index : end.getIndex();
            } catch (IOException e) {
                replayEnd = index; // the division is going away: judge now
            }
        }
        if (index < replayEnd) {
            return;
        }
        Map<QueueKey, List<Long>> lost = new HashMap<>();
        unaccounted.forEach((q, ids) -> {
            long[] live = state.liveMsgIds(q);
            List<Long> gone = ids.stream().filter(id -> java.util.Arrays.binarySearch(live, id) >= 0).toList();
            if (!gone.isEmpty()) {
                lost.put(q, gone);
                LOG.error("{}: {} bodies of {} are missing from the body store although the shard holds them "
                        + "(msgIds {}); those messages cannot be delivered from this replica. Its body store was "
                        + "damaged or changed outside Warren.", getId(), gone.size(), q,
                        SideStore.summary(gone.stream().mapToLong(Long::longValue).toArray()));
            }
        });
        unaccounted.clear();
        lostBodies = Map.copyOf(lost);
    }

    private static boolean releases(Effect f) {
        return f instanceof Effect.Released || f instanceof Effect.Dropped
                || f instanceof Effect.DeadLetter d && !d.atLeastOnce();
    }

    private static long msgId(Effect f) {
        if (f instanceof Effect.Released r) {
            return r.msgId();
        }
        if (f instanceof Effect.Dropped d) {
            return d.msgId();
        }
        return ((Effect.DeadLetter) f).msgId();
    }

    /** Stamps the leader's clock on the entry: every replica applies the same time from it. */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        ByteString stamped = ShardEntry.stamp(System.currentTimeMillis(), request.getMessage().getContent());
        return TransactionContext.newBuilder().setStateMachine(this).setClientRequest(request).setLogData(stamped)
                .build();
    }

    @Override
    public synchronized CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex at = TermIndex.valueOf(entry);
        ShardEntry e;
        try {
            e = ShardEntry.parse(entry.getStateMachineLogEntry().getLogData());
        } catch (IllegalArgumentException bad) {
            // the same bytes on every replica: refused alike everywhere, and the log goes on
            LOG.warn("{}: log entry {} is not a shard entry this node understands: {}", getId(), at,
                    bad.getMessage());
            updateLastAppliedTermIndex(at);
            return CompletableFuture.completedFuture(ShardReply.refusedEntry(bad.getMessage()));
        }
        try {
            Message reply = apply(at.getIndex(), e);
            updateLastAppliedTermIndex(at);
            return CompletableFuture.completedFuture(reply);
        } catch (IOException failed) {
            // the body store failed: going on would leave this replica's bodies behind its state
            LOG.error("{}: the body store failed applying log entry {}; this replica stops", getId(), at, failed);
            throw new UncheckedIOException(failed);
        }
    }

    private Message apply(long index, ShardEntry e) throws IOException {
        List<Effect> all = new ArrayList<>();
        Map<BodyKey, ByteBuffer> carried = new HashMap<>();
        int nextBody = 0;
        state.passTime(e.leaderTime()); // every command is dated by its entry (x-expires counts uses from it)
        for (Command c : e.batch().commands()) {
            ByteString body = c instanceof Command.Enqueue ? e.bodies().get(nextBody++) : null;
            List<Effect> fx = state.apply(atLeaderTime(c, e.leaderTime()));
            for (Effect f : fx) {
                if (f instanceof Effect.Enqueued q) {
                    ByteBuffer b = body.asReadOnlyByteBuffer();
                    bodies.store(q.queue(), q.msgId(), b);
                    carried.put(new BodyKey(q.queue(), q.msgId()), b);
                }
            }
            all.addAll(fx);
        }
        bodies.flush(); // the appends hold slices of this entry: written out now, so it is not kept alive
        if (leader) {
            readAhead(all, carried);
        }
        ShardEffects.Bodies lookup = (queue, msgId) -> body(carried, queue, msgId);
        if (leaderReady) {
            try {
                effects.applied(index, all, lookup);
            } catch (RuntimeException failed) {
                LOG.warn("{}: carrying out the effects of log entry {} failed", getId(), index, failed);
            }
        }
        Map<Long, ByteBuffer> dequeued = leader ? dequeuedBodies(all, lookup) : Map.of();
        for (Effect f : all) {
            release(f);
        }
        if (!unaccounted.isEmpty()) {
            account(index, all);
        }
        return ShardReply.encode(all, dequeued);
    }

    /**
     * The bodies the leader's effects will need that this entry did not carry (deliveries of messages enqueued
     * earlier, basic.get, dead letters): read per queue in runs of msgIds, not one read each.
     */
    private void readAhead(List<Effect> all, Map<BodyKey, ByteBuffer> carried) throws IOException {
        Map<QueueKey, List<Long>> wanted = null;
        for (Effect f : all) {
            long id;
            if (f instanceof Effect.Deliver d) {
                id = d.msgId();
            } else if (f instanceof Effect.Dequeued d) {
                id = d.msgId();
            } else if (f instanceof Effect.DeadLetter d) {
                id = d.msgId();
            } else {
                continue;
            }
            if (!carried.containsKey(new BodyKey(f.queue(), id))) {
                if (wanted == null) {
                    wanted = new HashMap<>();
                }
                wanted.computeIfAbsent(f.queue(), q -> new ArrayList<>()).add(id);
            }
        }
        if (wanted == null) {
            return;
        }
        for (Map.Entry<QueueKey, List<Long>> w : wanted.entrySet()) {
            long[] ids = w.getValue().stream().mapToLong(Long::longValue).sorted().distinct().toArray();
            bodies.read(w.getKey(), ids).forEach((id, body) -> carried.put(new BodyKey(w.getKey(), id), body));
        }
    }

    private static Map<Long, ByteBuffer> dequeuedBodies(List<Effect> all, ShardEffects.Bodies lookup) {
        Map<Long, ByteBuffer> out = new HashMap<>();
        for (Effect f : all) {
            if (f instanceof Effect.Dequeued d) {
                ByteBuffer b = lookup.body(d.queue(), d.msgId());
                if (b != null) {
                    out.put(d.msgId(), b);
                }
            }
        }
        return out;
    }

    private ByteBuffer body(Map<BodyKey, ByteBuffer> carried, QueueKey queue, long msgId) {
        ByteBuffer b = carried.get(new BodyKey(queue, msgId));
        if (b != null) {
            return b.duplicate();
        }
        try {
            return bodies.read(queue, msgId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read msgId " + msgId + " of " + queue, e);
        }
    }

    private void release(Effect f) throws IOException {
        if (releases(f)) {
            bodies.release(f.queue(), msgId(f));
        } else if (f instanceof Effect.QueueRemoved q) {
            bodies.remove(q.queue());
        }
    }

    /** The leader's clock of the entry, for the commands that carry time. */
    private static Command atLeaderTime(Command c, long leaderTime) {
        if (c instanceof Command.Enqueue q) {
            return new Command.Enqueue(q.origin(), q.seq(), q.queue(), q.size(), q.priority(), q.ttl(), leaderTime);
        }
        if (c instanceof Command.Tick) {
            return new Command.Tick(leaderTime);
        }
        return c;
    }

    private record BodyKey(QueueKey queue, long msgId) {
    }

    @Override
    public synchronized long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        bodies.sync(); // the snapshot lets the log go: every body applied up to it must be on disk first
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        ShardSnapshotFile.write(file.toPath(), last, SnapshotCodec.encode(state));
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.debug("{}: shard snapshot at {}", getId(), last);
        return last.getIndex();
    }

    /**
     * Ratis's notify mode: the leader no longer has the entries this replica needs. The leader's latest snapshot and
     * the bodies it holds are fetched over the link and staged; once the future completes, Ratis pauses this state
     * machine and reinitializes it, which installs them, and goes on from the snapshot's index.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto role, TermIndex firstInLog) {
        String leader = role.hasFollowerInfo() ? role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8()
                : "";
        if (leader.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("told to install a snapshot with no "
                    + "leader known"));
        }
        TermIndex applied = getLastAppliedTermIndex();
        long next = applied == null ? 0 : applied.getIndex() + 1;
        if (firstInLog.getIndex() <= next) {
            // Ratis 3.2 also asks a follower it counts as not caught up (an appender restarted after its
            // "Previous ... but firstIndex" failure, a member being added) even though its log still holds every
            // entry we lack, and then whether or not it has a snapshot. No answer (null) is "snapshot unavailable",
            // after which the leader goes back to sending entries; fetching would fail forever on a leader that
            // has never snapshotted, and this replica would never catch up.
            LOG.info("{}: told to install a snapshot, but the leader {}'s log starts at {}, at or before our next "
                    + "entry {}: catching up from its log", getId(), leader, firstInLog, next);
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("{}: the leader {} no longer has the log from our next entry (its log starts at {}); fetching its "
                + "snapshot", getId(), leader, firstInLog);
        return fetch.start(leader, firstInLog.getIndex());
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId self, RaftPeerId newLeader) {
        leader = self.getPeerId().equals(newLeader);
        if (!leader) {
            stopLeading();
        }
    }

    @Override
    public void notifyLeaderReady() {
        leader = true;
        leaderReady = true;
        effects.leaderReady();
    }

    @Override
    public void notifyNotLeader(Collection<TransactionContext> pending) {
        leader = false;
        stopLeading();
    }

    private void stopLeading() {
        if (leaderReady) {
            leaderReady = false;
            effects.notLeader();
        }
    }

    /** The state's bytes as a snapshot would hold them (to compare replicas). */
    public synchronized byte[] stateBytes() {
        return SnapshotCodec.encode(state);
    }

    /** Reads the state under the apply lock. */
    public synchronized <T> T readState(Function<ShardState, T> read) {
        return read.apply(state);
    }

    /** This replica's bodies. */
    public SideStore bodies() {
        return bodies;
    }

    /** What the body store's reconciliation with the latest snapshot did at the last start (or install). */
    public Reconciliation reconciliation() {
        return reconciliation;
    }

    /**
     * Bodies the shard holds that this replica's store lost (found once the replay after a start passed the end of
     * the local log), per queue; empty when none.
     */
    public Map<QueueKey, List<Long>> lostBodies() {
        return lostBodies;
    }

    /** Whether this replica is the leader and has applied its term's first entry, so it carries out effects. */
    public boolean leaderReady() {
        return leaderReady;
    }

    @Override
    public void close() throws IOException {
        stopLeading();
        synchronized (this) {
            if (bodies != null) {
                bodies.close();
            }
        }
        super.close();
    }
}
