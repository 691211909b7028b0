package io.warren.cluster.state;

import io.warren.cluster.log.ChangeReplay;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.transients.TransientOps;
import io.warren.store.definitions.DefinitionStore;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.UserRow;
import io.warren.store.definitions.VhostRow;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's definitions, one Ratis state machine on every node. Each committed entry is checked against the
 * state the log has made so far ({@link AppliedState}: the same on every node), written to the node's H2 store
 * (the applied state, which a restart restores from) and, unless the node's own caller does it, applied to the
 * broker's memory by the {@link MemoryApplier}. A snapshot is the store's rows as JSON; a node that installs one
 * (new, or far behind) replaces its store with it and brings its memory in line.
 */
public final class DefinitionStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionStateMachine.class);
    /** The reply to a change that was applied. */
    public static final String OK = "ok";

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final String self;
    private final DefinitionStore store;
    private final AppliedState state;
    private final MemoryApplier memory;
    private final Claims claims;
    private final Path markDir;
    private AppliedMark mark;
    private StoreWriter writer;
    /** Entries up to here are in the store already (at start, or from an installed snapshot): skipped. */
    private long storedUpTo;
    /** Whether the log has made the cluster's defaults (checked in log order, so the same on every node). */
    private boolean bootstrapped;

    /** What another node asks this one directly (a stale read addressed to it): the port of its message link. */
    public static final String LINK_PORT_QUERY = "warren-link-port";
    private volatile int linkPort;
    /** What another node asks this one directly: the port of its quorum-queue Raft server. */
    public static final String QUORUM_PORT_QUERY = "warren-quorum-port";
    private volatile int quorumPort;

    /** The port this node's quorum-queue Raft server listens on (or would), told to nodes that ask. */
    public void quorumPort(int port) {
        this.quorumPort = port;
    }

    /** The port this node's message link listens on, told to nodes that ask ({@link #LINK_PORT_QUERY}). */
    public void linkPort(int port) {
        this.linkPort = port;
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        if (LINK_PORT_QUERY.equals(request.getContent().toStringUtf8()) && linkPort > 0) {
            return CompletableFuture.completedFuture(Message.valueOf(Integer.toString(linkPort)));
        }
        if (QUORUM_PORT_QUERY.equals(request.getContent().toStringUtf8()) && quorumPort > 0) {
            return CompletableFuture.completedFuture(Message.valueOf(Integer.toString(quorumPort)));
        }
        return super.query(request);
    }

    public DefinitionStateMachine(String self, DefinitionStore store, AppliedState state, MemoryApplier memory,
                                  Claims claims, Path markDir) {
        this.self = self;
        this.store = store;
        this.state = state;
        this.memory = memory;
        this.claims = claims;
        this.markDir = markDir;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            mark = AppliedMark.open(markDir);
            storedUpTo = mark.index();
            bootstrapped = mark.bootstrapped();
            writer = new StoreWriter(store, mark);
            state.reset(store.loadAll());
            state.restoredAt(storedUpTo);
            loadSnapshot();
        });
        if (storedUpTo >= 0) {
            // Ratis replays its log from the latest snapshot; entries up to here are skipped
            LOG.info("definitions store holds the cluster's log up to index {}", storedUpTo);
        }
    }

    /** Ratis pauses the state machine while it installs a snapshot from the leader, then reinitializes it. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        // a snapshot was installed from the leader
        loadSnapshot();
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    private synchronized void loadSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null || !Files.exists(snapshot.getFile().getPath())) {
            return;
        }
        TermIndex at = snapshot.getTermIndex();
        writer.drain();
        SnapshotFile s = SnapshotFile.read(snapshot.getFile().getPath());
        List<DefinitionChange> transientsBefore = state.transients().asChanges();
        if (at.getIndex() > mark.index()) {
            StoredDefinitions before = store.loadAll();
            store.replaceAll(s.definitions());
            state.reset(s.definitions());
            state.restoredAt(at.getIndex());
            mark.set(at.getIndex(), s.bootstrapped());
            storedUpTo = at.getIndex();
            bootstrapped = s.bootstrapped();
            memory.run(() -> memory.resync(before, s.definitions()));
            LOG.info("installed a snapshot of the cluster's definitions at index {}", at.getIndex());
        }
        // the log is replayed from here on: the transient definitions start from the snapshot's
        state.transients().load(s.transients());
        TransientResync.changes(transientsBefore, s.transients()).forEach(memory::apply);
        updateLastAppliedTermIndex(at);
    }

    @Override
    public synchronized long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        writer.drain();
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        new SnapshotFile(bootstrapped, store.loadAll(), state.transients().asChanges()).write(file.toPath());
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        return last.getIndex();
    }

    @Override
    public synchronized CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex at = TermIndex.valueOf(entry);
        String reply;
        if (at.getIndex() <= storedUpTo) {
            reply = OK; // in the store before this start
            replayTransient(entry, at);
        } else {
            DefinitionChange change;
            try {
                change = DefinitionChange.fromBytes(entry.getStateMachineLogEntry().getLogData().toByteArray());
            } catch (RuntimeException e) {
                // the same on every node (e.g. written by a newer Warren): refused everywhere, the log goes on
                LOG.warn("log entry {} is not a definition change this node understands: {}", at, e.getMessage());
                writer.write(List.of(), at.getIndex(), bootstrapped);
                updateLastAppliedTermIndex(at);
                return CompletableFuture.completedFuture(Message.valueOf("refused 541 not a definition change this "
                        + "node understands"));
            }
            reply = apply(change, at.getIndex());
        }
        updateLastAppliedTermIndex(at);
        return CompletableFuture.completedFuture(Message.valueOf(reply));
    }

    private String apply(DefinitionChange c, long index) {
        if (DefinitionChange.BOOTSTRAP.equals(c.op())) {
            return bootstrap(c, index);
        }
        if (TransientOps.is(c)) {
            return applyTransient(c, index);
        }
        DefinitionChange checked;
        try {
            checked = state.check(c);
            // an operation this node does not know is refused alike everywhere, before the store is touched
            ChangeReplay.requireKnown(checked);
        } catch (IllegalArgumentException e) {
            writer.write(List.of(), index, bootstrapped);
            return "refused 541 " + e.getMessage();
        } catch (AppliedState.Refused e) {
            writer.write(List.of(), index, bootstrapped);
            return "refused " + e.refusal().replyCode() + " " + e.refusal().text();
        }
        writer.write(List.of(checked), index, bootstrapped);
        state.applied(checked, index);
        if (!self.equals(checked.origin()) || claims.stateMachineApplies(checked.request())) {
            memory.apply(checked);
        }
        return OK;
    }

    /**
     * A transient definition: taken into the transient state (never into the store: only the applied mark
     * moves), and into memory on every node but the origin whose caller does it.
     */
    private String applyTransient(DefinitionChange c, long index) {
        List<DefinitionChange> effects;
        try {
            effects = state.transients().apply(c);
        } catch (AppliedState.Refused e) {
            writer.write(List.of(), index, bootstrapped);
            return "refused " + e.refusal().replyCode() + " " + e.refusal().text();
        } catch (IllegalArgumentException e) {
            writer.write(List.of(), index, bootstrapped);
            return "refused 541 " + e.getMessage();
        }
        writer.write(List.of(), index, bootstrapped);
        if (!self.equals(c.origin()) || claims.stateMachineApplies(c.request())) {
            effects.forEach(memory::apply);
        }
        return OK;
    }

    /**
     * An entry the store had before this start is replayed for its transient definitions, which only memory
     * held: they are rebuilt in log order from the latest snapshot on (this node's own from its earlier run
     * included; they are dropped by the change its {@code NodeWatch} submits once it is up).
     */
    private void replayTransient(LogEntryProto entry, TermIndex at) {
        if (!entry.hasStateMachineLogEntry()) {
            return;
        }
        DefinitionChange c;
        try {
            c = DefinitionChange.fromBytes(entry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (RuntimeException e) {
            return;
        }
        if (!TransientOps.is(c)) {
            return;
        }
        try {
            state.transients().apply(c).forEach(memory::apply);
        } catch (AppliedState.Refused | IllegalArgumentException e) {
            LOG.debug("replaying log entry {}: {}", at, e.getMessage());
        }
    }

    /**
     * The first bootstrap in the log makes the cluster's default vhost, user, permission and permanent id; later
     * ones nothing.
     */
    private String bootstrap(DefinitionChange c, long index) {
        List<DefinitionChange> parts = List.of();
        if (!bootstrapped) {
            String[] ops = {"putVhost", "putUser", "putPermission", "putGlobalParameter"};
            List<DefinitionChange> made = new java.util.ArrayList<>();
            for (int i = 0; i < c.rows().size() && i < ops.length; i++) {
                made.add(change(ops[i], c, i));
            }
            parts = List.copyOf(made);
            for (DefinitionChange p : parts) {
                state.applied(p);
                memory.apply(p);
            }
            LOG.info("cluster defaults made: vhost '{}', user '{}' (from node {})",
                    parts.get(0).row(VhostRow.class).name(), parts.get(1).row(UserRow.class).name(), c.origin());
        }
        bootstrapped = true;
        writer.write(parts, index, true);
        return OK;
    }

    private static DefinitionChange change(String op, DefinitionChange bootstrap, int i) {
        return new DefinitionChange(op, bootstrap.origin(), 0, bootstrap.rows().get(i), null, null);
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
        super.close();
    }

    /** Parses a reply: null when applied, else the refusal. */
    public static AppliedState.Refusal refusal(Message reply) {
        String text = reply.getContent().toString(StandardCharsets.UTF_8);
        if (text.equals(OK)) {
            return null;
        }
        String[] parts = text.split(" ", 3);
        return new AppliedState.Refusal(Integer.parseInt(parts[1]), parts[2]);
    }
}
