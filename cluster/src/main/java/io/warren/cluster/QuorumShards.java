package io.warren.cluster;

import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.quorum.shard.QuorumServer;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.quorum.shard.ShardFormation;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.state.AppliedState;
import io.warren.cluster.state.DefinitionStateMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node's part in quorum queues: its {@link QuorumServer}, opened with the shards the catalogue in the
 * definitions log gives it, and, on an initial member, the {@link ShardFormation} that puts a catalogue there.
 */
final class QuorumShards implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumShards.class);
    private final ClusterSettings settings;
    private final Path dataDir;
    private final AppliedState state;
    private final LinkPorts ports = new LinkPorts(DefinitionStateMachine.QUORUM_PORT_QUERY,
            "warren-cluster-quorum-ports");
    /**
     * Where each shard's leader carries out deliveries, dead letters and cancellations: nowhere until the
     * leader-side dispatcher is plugged in with {@link #useEffects} (read when a shard's state machine is made).
     */
    private volatile Function<RaftGroupId, ShardEffects> effects = g -> ShardEffects.NONE;
    /** Makes each shard's state machine: the real one, unless a test plugs in another. */
    private volatile io.warren.cluster.quorum.raft.SnapshotSource snapshots;
    private Function<RaftGroupId, StateMachine> machines = g -> snapshots == null
            ? new ShardStateMachine(effects.apply(g)) : new ShardStateMachine(effects.apply(g), snapshots);
    private QuorumServer server;
    private volatile Parsed parsed;
    private ShardFormation formation;
    /** Opens shards off the thread that applies the definitions log; made when a catalogue first names this node. */
    private ScheduledThreadPoolExecutor opener;
    private boolean closed;

    QuorumShards(ClusterSettings settings, Path dataDir, AppliedState state) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.state = state;
    }

    synchronized void useEffects(Function<RaftGroupId, ShardEffects> perShard) {
        if (server != null) {
            throw new IllegalStateException("the node has started: its shards' state machines are made already");
        }
        this.effects = perShard;
    }

    /** Where a replica Ratis tells to install a snapshot fetches it from (notify mode); before start. */
    synchronized void useSnapshots(io.warren.cluster.quorum.raft.SnapshotSource source) {
        this.snapshots = source;
    }

    synchronized void useMachines(Function<RaftGroupId, StateMachine> factory) {
        if (server != null) {
            throw new IllegalStateException("the node has started: its shards' state machines are made already");
        }
        this.machines = factory;
    }

    /**
     * Before the definitions server starts: the quorum server is made (and started when this node has shards on
     * disk from an earlier run: Ratis reopens them), and the catalogue the log sets from now on is followed.
     */
    synchronized void prepare() throws IOException {
        server = new QuorumServer(settings.nodeName(), settings.effectiveQuorumPort(), dataDir, machines);
        if (QuorumServer.hasGroups(dataDir)) {
            server.start();
        }
        state.onQuorumShards(this::catalogueApplied);
    }

    /** Once the definitions server and its client run: forms the catalogue if needed, opens what the store has. */
    void start(RaftGroup definitions, Consumer<DefinitionChange> commit) {
        ports.start(definitions);
        startFormation(commit);
        String known = state.quorumShards();
        if (known != null) {
            catalogueApplied(known);
        }
    }

    /**
     * An initial member of a cluster of more than one node forms the quorum shards if the log has none yet (a
     * cluster of one forms none: quorum queues need replicas), when its settings ask for them.
     */
    private synchronized void startFormation(Consumer<DefinitionChange> commit) {
        if (closed || !settings.formsQuorumShards() || !settings.initialMember() || settings.members().size() < 2 || state.quorumShards() != null) {
            return;
        }
        List<ShardFormation.Member> members = settings.members().stream()
                .map(m -> new ShardFormation.Member(m.name(), m.host(), m.port())).toList();
        members.stream().map(ShardFormation.Member::name).filter(n -> !n.equals(settings.nodeName()))
                .forEach(ports::ask);
        formation = new ShardFormation(settings.nodeName(), members, settings.effectiveQuorumPort(), ports::port,
                state::quorumShards, commit);
        formation.start();
    }

    /** The definitions log set the shard catalogue (or the store had it): open this node's shards. */
    private synchronized void catalogueApplied(String json) {
        if (closed || server == null) {
            return;
        }
        ShardCatalog catalog;
        try {
            catalog = ShardCatalog.fromJson(json);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: this node opens no quorum shards", e.getMessage());
            return;
        }
        if (catalog.shardsOf(settings.nodeName()).isEmpty() && server.groupIds().isEmpty()) {
            return; // a node added after the cluster formed: no shard until it is grown into some
        }
        if (opener == null) {
            opener = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "warren-quorum-open");
                t.setDaemon(true);
                return t;
            });
            opener.setKeepAliveTime(10, TimeUnit.SECONDS); // shards open once: the thread does not stay
            opener.allowCoreThreadTimeOut(true);
        }
        opener.execute(() -> open(catalog));
    }

    private void open(ShardCatalog applied) {
        // the catalogue in force now, not the one this task was made for: a retry must not undo a later change
        ShardCatalog latest = catalog();
        ShardCatalog catalog = latest == null || latest.revision() < applied.revision() ? applied : latest;
        try {
            server.open(catalog);
            server.closeOthers(catalog); // a membership change took this node out of some
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot open this node's quorum shards (quorum port {}): {}; trying again in 5 s",
                    settings.effectiveQuorumPort(), e.toString());
            try {
                opener.schedule(() -> open(catalog), 5, TimeUnit.SECONDS);
            } catch (RuntimeException closing) {
                // the node is closing
            }
        }
    }

    /**
     * The catalogue the log holds, or null before the cluster formed one. Parsed once per text: it is asked for per
     * queue by the management sampler and the quorum fronts, and parsing it each time was most of an idle node's CPU
     * with 1,000 quorum queues.
     */
    ShardCatalog catalog() {
        String json = state.quorumShards();
        if (json == null) {
            return null;
        }
        Parsed p = parsed;
        if (p == null || !p.json().equals(json)) {
            p = new Parsed(json, ShardCatalog.fromJson(json));
            parsed = p;
        }
        return p.catalog();
    }

    private record Parsed(String json, ShardCatalog catalog) {
    }

    /** A node's quorum port as it told it, or null while it has not (it is asked in the background). */
    Integer quorumPort(String node) {
        return node.equals(settings.nodeName()) ? Integer.valueOf(settings.effectiveQuorumPort()) : ports.port(node);
    }

    synchronized QuorumServer server() {
        return server;
    }

    @Override
    public void close() {
        ports.close();
        QuorumServer s;
        synchronized (this) {
            closed = true;
            if (formation != null) {
                formation.close();
            }
            if (opener != null) {
                opener.shutdownNow();
            }
            s = server;
        }
        if (s != null) {
            s.close(); // outside this lock: an open in progress holds the server's
        }
    }
}
