package io.warren.cluster;

import io.warren.broker.Broker;
import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ClusterNodeView;
import io.warren.broker.admin.ClusterView;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.NodeStatusView;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.durable.DefinitionApplier;
import io.warren.broker.durable.DefinitionReplication;
import io.warren.broker.queue.QueuePlacement;
import io.warren.broker.tls.TlsSettings;
import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.link.LinkTls;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.quorum.deliver.BrokerDeadLetters;
import io.warren.cluster.quorum.deliver.DeliveriesInbound;
import io.warren.cluster.quorum.deliver.QuorumDeliveries;
import io.warren.cluster.quorum.deliver.QuorumEndpoints;
import io.warren.cluster.quorum.front.QuorumFront;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.shard.QuorumServer;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.raft.ChangeCommitter;
import io.warren.cluster.raft.RaftDefinitionWriter;
import io.warren.cluster.raft.RaftTuning;
import io.warren.cluster.remote.QueueHomes;
import io.warren.cluster.state.AppliedState;
import io.warren.cluster.state.Claims;
import io.warren.cluster.state.DefinitionStateMachine;
import io.warren.cluster.state.MemoryApplier;
import io.warren.cluster.transients.NodeWatch;
import io.warren.cluster.transients.TransientApplier;
import io.warren.cluster.transients.TransientWriter;
import io.warren.cluster.status.ClusterStatus;
import io.warren.cluster.status.StatusReporter;
import io.warren.store.definitions.DefinitionStore;
import io.warren.store.definitions.DefinitionWriter;
import io.warren.store.definitions.GlobalParameterRow;
import io.warren.store.definitions.PermissionRow;
import io.warren.store.definitions.UserRow;
import io.warren.store.definitions.VhostRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster: a Ratis server in the one group that carries the cluster's definitions, a client
 * that submits this node's changes to it, and the view tools get of the members. Made before the broker (whose
 * journal writes through {@link #replication()}), started once the broker has restored its definitions.
 */
public final class ClusterNode implements ClusterView, io.warren.broker.admin.QuorumMembership, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** The one group of every Warren cluster: its definitions. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
            "warren-definitions".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    /** The node's Raft log, snapshots and applied mark, under the data directory. */
    public static final String DIRECTORY = "raft";

    private final ClusterSettings settings;
    private final Path raftDir;
    private final MemoryApplier memory = new MemoryApplier();
    private final Claims claims = new Claims();
    private final AppliedState state = new AppliedState();
    private final RaftDefinitionWriter writer;
    private final ClusterLink link = new ClusterLink(this::linkAddress);
    private final QueueHomes homes;
    /** This run of the node: its transient definitions belong to it, and go when it does. */
    private final String incarnation = UUID.randomUUID().toString();
    private final TransientWriter transients;
    private NodeWatch watch;
    /** This run's epoch in quorum queue consumer keys and enqueue origins: a restart makes a new one. */
    private final long quorumEpoch = System.currentTimeMillis();
    private io.warren.cluster.quorum.raft.ConsumerNodeWatch shardWatch;
    private final LinkPorts linkPorts = new LinkPorts();
    private final QuorumShards quorum;
    private final QuorumFront front;
    private volatile DefinitionStore store;
    private RaftServer server;
    private RaftClient client;
    private ChangeCommitter committer;
    private volatile ShardMembership membership;
    private Thread bootstrap;
    private volatile boolean closed;
    // the other members' status reports, and this node's own to them
    private volatile ClusterStatus status;
    private volatile StatusReporter reporter;
    private volatile java.util.function.Supplier<List<ListenerView>> announced;
    // the consumers of the other members' connections, for the management API's listings
    private final io.warren.cluster.status.OtherNodesConsumers otherConsumers;
    // quorum queues: this node's consumers, and the deliveries of the shards it leads to every node's consumers
    private final QuorumEndpoints quorumEndpoints = new QuorumEndpoints();
    private final QuorumDeliveries quorumDeliveries;
    // time in the shards this node leads: message TTLs and x-expires
    private final io.warren.cluster.quorum.raft.ExpiryDriver expiry;

    public ClusterNode(ClusterSettings settings, Path dataDir) {
        this.settings = settings;
        this.raftDir = dataDir.toAbsolutePath().resolve(DIRECTORY);
        this.quorum = new QuorumShards(settings, dataDir, state);
        this.homes = new QueueHomes(settings.nodeName(), state::queueNode, state::queuesPerNode, this::memberNames,
                link);
        this.front = new QuorumFront(settings.nodeName(), quorumEpoch, quorumEndpoints, state, quorum::catalog,
                quorum::server);
        // a quorum queue's row records its shard where a classic queue's records its home
        this.writer = new RaftDefinitionWriter(settings.nodeName(), memory, (vhost, queue) -> {
            String shard = front.takeChosen(vhost, queue);
            return shard != null ? shard : homes.takeChosen(vhost, queue);
        });
        this.transients = new TransientWriter(settings.nodeName(), incarnation, writer);
        this.otherConsumers = new io.warren.cluster.status.OtherNodesConsumers(settings.nodeName(), link,
                this::memberNames, this::running);
        this.quorumDeliveries = new QuorumDeliveries(settings.nodeName(), quorumEndpoints, link::sendFrames);
        link.addInbound(() -> new DeliveriesInbound(quorumEndpoints));
        link.onConnectionOpened(quorumDeliveries::linkOpened);
        // the shards this node leads deliver through it; a replica that needs a snapshot fetches it over the link
        this.expiry = new io.warren.cluster.quorum.raft.ExpiryDriver(settings.nodeName());
        expiry.useSubmitter(front::submit);
        quorum.useEffects(g -> ShardEffects.both(quorumDeliveries.forShard(g), expiry.forShard(g)));
        quorum.useSnapshots(shardSnapshots());
    }

    /** What the broker is made with: its journal writes through the cluster's log, and it makes no defaults. */
    public DefinitionReplication replication() {
        return new DefinitionReplication() {
            @Override
            public DefinitionWriter writer(DefinitionStore local) {
                store = local;
                // before the broker restores its queues: each is made here or as a proxy of its home's
                state.reset(local.loadAll());
                return writer;
            }

            @Override
            public QueuePlacement placement() {
                return new QueuePlacement() {
                    @Override
                    public io.warren.broker.queue.QueueFactory remoteFactory(String vhost, String queue,
                                                                             java.util.Map<String, Object> args) {
                        return homes.remoteFactory(vhost, queue, args);
                    }

                    @Override
                    public io.warren.broker.queue.QueueFactory recordedElsewhere(String vhost, String queue) {
                        return homes.recordedElsewhere(vhost, queue);
                    }

                    @Override
                    public io.warren.broker.queue.QueueFactory quorumQueues() {
                        return front.factory();
                    }
                };
            }

            @Override
            public io.warren.broker.durable.DefinitionJournal transients() {
                return transients;
            }

            @Override
            public boolean createsDefaults() {
                return false;
            }

            @Override
            public boolean waitsForOthers() {
                return true;
            }
        };
    }

    /** Starts the Raft server and client; the broker has restored what its store held. */
    public void start(Broker broker) throws IOException {
        if (store == null) {
            throw new IllegalStateException("the broker was not made with this node's replication()");
        }
        memory.attach(new DefinitionApplier(broker));
        quorumDeliveries.useDeadLetters(new BrokerDeadLetters(broker));
        quorumDeliveries.useSubmitter(front::submit);
        expiry.useQueues(new io.warren.cluster.quorum.deliver.BrokerQueueExpiry(broker));
        memory.attach(new TransientApplier(broker, settings.nodeName(), incarnation, homes));
        if (settings.linkTls() != null) {
            TlsSettings t = settings.linkTls();
            link.useTls(LinkTls.of(t.certChain(), t.key(), t.ca()));
        }
        io.warren.broker.admin.ConnectionAdmin connections = new BrokerAdmin(broker, this).connections();
        link.onConsumersAsked((vhost, queue) -> connections.consumers(settings.nodeName(), vhost, queue));
        link.onSnapshotAsked(new io.warren.cluster.quorum.catchup.SnapshotService(this::quorum));
        link.start(broker, new InetSocketAddress(settings.effectiveLinkPort()));
        Files.createDirectories(raftDir);
        boolean formatted = Files.isDirectory(raftDir.resolve(GROUP_ID.getUuid().toString()));
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, initialPeers());
        DefinitionStateMachine sm = new DefinitionStateMachine(settings.nodeName(), store, state, memory, claims,
                raftDir);
        sm.linkPort(settings.effectiveLinkPort());
        sm.quorumPort(settings.effectiveQuorumPort());
        quorum.prepare();
        server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(settings.nodeName()))
                .setGroup(group)
                .setProperties(RaftTuning.server(settings, raftDir))
                .setStateMachine(sm)
                .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        client = newClient(group);
        committer = new ChangeCommitter(client, claims, settings.commitTimeout(), this::reachability);
        writer.connect(committer);
        watch = new NodeWatch(settings.nodeName(), incarnation, state.transients(), link, this::memberNames,
                writer, transients);
        watch.start();
        linkPorts.start(group);
        quorum.start(group, committer::commit);
        membership = new ShardMembership(settings.nodeName(), state, quorum::catalog, committer::commit,
                quorum::quorumPort, () -> {
                    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
                    currentPeers().forEach(p -> out.put(p.getId().toString(), p.getAddress()));
                    return out;
                }, () -> RaftGroup.valueOf(GROUP_ID, currentPeers()));
        shardWatch = new io.warren.cluster.quorum.raft.ConsumerNodeWatch(settings.nodeName(), quorumEpoch,
                () -> quorum() == null ? null : quorum().server(),
                new io.warren.cluster.quorum.raft.ConsumerNodeWatch.Reach() {
                    @Override
                    public void watch(String node) {
                        link.watch(node);
                    }

                    @Override
                    public boolean down(String node) {
                        return link.down(node);
                    }
                }, this::memberNames);
        shardWatch.start();
        settings.members().stream().map(ClusterMember::name).filter(n -> !n.equals(settings.nodeName()))
                .forEach(linkPorts::ask); // known, as a rule, before the first message goes
        LOG.info("cluster node {} listening for cluster traffic on port {}; members {}{}", settings.nodeName(),
                settings.port(), settings.members(), settings.initialMember() ? ""
                        : " (this node is not one of them: add it with POST /api/cluster/nodes on a member, or "
                        + "'java -jar warren.jar cluster join')");
        startStatus(broker);
        if (broker.recovery().firstStart() && broker.config().defaultUser() != null) {
            startBootstrap(broker.config().defaultUser(), broker.config().defaultPass());
        }
    }

    /** The cluster's quorum shards as the definitions log holds them, or null before they are formed. */
    public ShardCatalog shardCatalog() {
        return quorum.catalog();
    }

    /** This node's quorum-queue Raft server (not started until the node replicates a shard). */
    public QuorumServer quorum() {
        return quorum.server();
    }

    /** This run's epoch, for the quorum queue consumer keys and enqueue origins of this node. */
    public long quorumEpoch() {
        return quorumEpoch;
    }

    /** Where this node's shard replicas fetch a snapshot from another node when Ratis tells them to (notify mode). */
    public io.warren.cluster.quorum.raft.SnapshotSource shardSnapshots() {
        return new io.warren.cluster.quorum.catchup.LinkSnapshotSource(link);
    }

    /** Makes the shards' state machines with this factory instead of the real one (tests); call before start. */
    public void useShardMachines(java.util.function.Function<RaftGroupId, StateMachine> factory) {
        quorum.useMachines(factory);
    }

    /** This node's quorum queue consumers: where the shard leaders' deliveries for them arrive. */
    public QuorumEndpoints quorumEndpoints() {
        return quorumEndpoints;
    }

    /** The deliveries of the shards this node leads: each shard's effects come from {@code forShard(groupId)}. */
    public QuorumDeliveries quorumDeliveries() {
        return quorumDeliveries;
    }

    /**
     * Where each shard's leader carries out deliveries, dead letters and cancellations instead of this node's
     * {@link #quorumDeliveries()} (tests); call before start.
     */
    public void useShardEffects(java.util.function.Function<RaftGroupId, ShardEffects> perShard) {
        quorum.useEffects(g -> ShardEffects.both(perShard.apply(g), expiry.forShard(g))); // time passes still
    }

    /** What drives time (message TTLs, x-expires) in the shards this node leads. */
    public io.warren.cluster.quorum.raft.ExpiryDriver quorumExpiry() {
        return expiry;
    }

    /** This node's side of quorum queues: their factory, its shard clients, its consumers' endpoints. */
    public QuorumFront quorumFront() {
        return front;
    }

    private void startStatus(Broker broker) {
        ClusterStatus heard = new ClusterStatus(settings.nodeName(), () -> broker, this::memberNames);
        link.onStatus(heard::received);
        StatusReporter r = new StatusReporter(settings.nodeName(), broker, link, this::memberNames, heard);
        if (announced != null) {
            r.announceListeners(announced);
        }
        status = heard;
        reporter = r;
        r.start();
    }

    /**
     * Where another node's message link listens: its cluster host, at the port it answered (see {@link LinkPorts}),
     * or its cluster port + 1 until it has.
     */
    private InetSocketAddress linkAddress(String node) {
        String address = null;
        if (server != null) {
            address = currentPeers().stream().filter(p -> p.getId().toString().equals(node)).findFirst()
                    .map(RaftPeer::getAddress).orElse(null);
        }
        if (address == null) {
            address = settings.members().stream().filter(m -> m.name().equals(node)).findFirst()
                    .map(ClusterMember::address).orElse(null);
        }
        if (address == null) {
            return null;
        }
        ClusterMember m = ClusterMember.of(node, address);
        if (node.equals(settings.nodeName())) {
            return new InetSocketAddress(m.host(), settings.effectiveLinkPort());
        }
        Integer asked = linkPorts.port(node);
        return new InetSocketAddress(m.host(), asked != null ? asked : ClusterLink.linkPort(m.port()));
    }

    private List<String> memberNames() {
        if (server == null) {
            return settings.members().stream().map(ClusterMember::name).toList();
        }
        return currentPeers().stream().map(p -> p.getId().toString()).toList();
    }

    /** This node's message link to the other nodes. */
    public ClusterLink link() {
        return link;
    }

    private List<RaftPeer> initialPeers() {
        List<RaftPeer> peers = new ArrayList<>();
        for (ClusterMember m : settings.members()) {
            peers.add(peer(m));
        }
        if (!settings.initialMember()) {
            peers.add(peer(settings.self()));
        }
        return peers;
    }

    private static RaftPeer peer(ClusterMember m) {
        return RaftPeer.newBuilder().setId(RaftPeerId.valueOf(m.name())).setAddress(m.address()).build();
    }

    private static RaftClient newClient(RaftGroup group) {
        return RaftClient.newBuilder().setProperties(RaftTuning.client()).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(50,
                        TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build();
    }

    /**
     * The cluster's default vhost, user and permission, and its permanent id, submitted by every node on its first start until one is
     * committed; only the first in the log takes effect.
     */
    private void startBootstrap(String user, String password) {
        PasswordHash hash = PasswordHash.of(password);
        var rows = List.of(DefinitionChange.json(new VhostRow("/")),
                DefinitionChange.json(new UserRow(user, hash.base64(), hash.algorithm(),
                        List.of("administrator"))),
                DefinitionChange.json(new PermissionRow(user, "/", ".*", ".*", ".*")),
                DefinitionChange.json(new GlobalParameterRow(BrokerAdmin.CLUSTER_ID_PARAMETER,
                        BrokerAdmin.newClusterId().toString())));
        DefinitionChange change = new DefinitionChange(DefinitionChange.BOOTSTRAP, settings.nodeName(), 0, null,
                null, rows);
        bootstrap = new Thread(() -> {
            while (!closed) {
                try {
                    committer.commit(change);
                    return;
                } catch (RuntimeException e) {
                    LOG.debug("cluster defaults not committed yet: {}", e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "warren-cluster-bootstrap");
        bootstrap.setDaemon(true);
        bootstrap.start();
    }

    private RaftServer.Division division() {
        try {
            return server.getDivision(GROUP_ID);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Collection<RaftPeer> currentPeers() {
        return division().getRaftConf().getCurrentPeers();
    }

    /** e.g. "1 of 3 nodes reachable", from this node's view. */
    private String reachability() {
        Collection<RaftPeer> peers = currentPeers();
        long up = peers.stream().filter(this::reachable).count();
        return up + " of " + peers.size() + " nodes reachable";
    }

    private boolean reachable(RaftPeer p) {
        if (p.getId().toString().equals(settings.nodeName())) {
            return true;
        }
        ClusterMember m = ClusterMember.of(p.getId().toString(), p.getAddress());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(m.host(), m.port()), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- ClusterView ----

    @Override
    public String nodeName() {
        return settings.nodeName();
    }

    @Override
    public boolean clustered() {
        return true;
    }

    @Override
    public List<ClusterNodeView> nodes() {
        RaftServer.Division d = division();
        RaftPeerId leader = d.getInfo().getLeaderId();
        List<ClusterNodeView> out = new ArrayList<>();
        for (RaftPeer p : currentPeers()) {
            String name = p.getId().toString();
            String role = leader == null ? "unknown" : p.getId().equals(leader) ? "leader" : "follower";
            out.add(new ClusterNodeView(name, p.getAddress(), role, name.equals(settings.nodeName()),
                    reachable(p)));
        }
        return out;
    }

    @Override
    public List<NodeStatusView> otherNodes() {
        ClusterStatus s = status;
        return s == null ? List.of() : s.views();
    }

    @Override
    public boolean running(String node) {
        ClusterStatus s = status;
        return node.equals(settings.nodeName()) || s != null && s.running(node);
    }

    @Override
    public List<io.warren.broker.admin.NodeConsumerView> otherNodesConsumers(String vhost, String queue) {
        return otherConsumers.list(vhost, queue);
    }

    @Override
    public void announceListeners(java.util.function.Supplier<List<ListenerView>> listeners) {
        announced = listeners;
        StatusReporter r = reporter;
        if (r != null) {
            r.announceListeners(listeners);
        }
    }

    @Override
    public String queueNode(String vhost, String queue) {
        String home = state.queueNode(vhost, queue);
        String leader = front.leaderOf(home); // a quorum queue's row names its shard: shown as the shard's leader
        if (leader != null) {
            return leader;
        }
        return home == null ? settings.nodeName() : home;
    }

    @Override
    public io.warren.broker.admin.QuorumQueueView quorumQueue(String vhost, String queue) {
        return front.status(vhost, queue, this::running);
    }

    @Override
    public void addNode(String name, String address) {
        ClusterMember m;
        try {
            m = ClusterMember.of(name, address);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
        List<RaftPeer> peers = new ArrayList<>(currentPeers());
        if (peers.stream().anyMatch(p -> p.getId().toString().equals(name))) {
            throw AdminException.badRequest("node '%s' is already a member of the cluster", name);
        }
        peers.add(peer(m));
        setConfiguration(peers, "add node " + m);
    }

    @Override
    public void removeNode(String name) {
        List<RaftPeer> peers = new ArrayList<>(currentPeers());
        if (!peers.removeIf(p -> p.getId().toString().equals(name))) {
            throw AdminException.notFound("no node '%s' in the cluster (members: %s)", name,
                    currentPeers().stream().map(p -> p.getId().toString()).toList());
        }
        if (peers.isEmpty()) {
            throw AdminException.badRequest("node '%s' is the cluster's last member: it cannot be removed", name);
        }
        setConfiguration(peers, "remove node " + name);
    }

    private void setConfiguration(List<RaftPeer> peers, String what) {
        try (RaftClient admin = newClient(RaftGroup.valueOf(GROUP_ID, currentPeers()))) {
            RaftClientReply reply = admin.admin().setConfiguration(peers);
            if (!reply.isSuccess()) {
                throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot " + what + ": "
                        + reply.getException());
            }
            LOG.info("cluster members are now {} ({})", peers.stream().map(p -> p.getId().toString()).toList(),
                    what);
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "cannot " + what + ": " + reachability()
                    + ": " + e.getMessage());
        }
    }

    // ---- QuorumMembership: quorum shard membership, carried out by ShardMembership ----

    @Override
    public MembershipChange addMember(String vhost, String queue, String node) {
        return membership().addMember(vhost, queue, node);
    }

    @Override
    public MembershipChange deleteMember(String vhost, String queue, String node) {
        return membership().deleteMember(vhost, queue, node);
    }

    @Override
    public MembershipChange grow(String node, String strategy) {
        return membership().grow(node, strategy);
    }

    @Override
    public MembershipChange shrink(String node) {
        return membership().shrink(node);
    }

    private ShardMembership membership() {
        ShardMembership m = membership;
        if (m == null) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the cluster node is still starting");
        }
        return m;
    }

    /** Waits until every change committed so far is in this node's memory (tests). */
    public void awaitApplied() {
        memory.drain();
    }

    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        if (shardWatch != null) {
            shardWatch.close();
        }
        expiry.close();
        if (reporter != null) {
            reporter.close();
        }
        linkPorts.close();
        front.close();
        quorum.close();
        link.close();
        if (bootstrap != null) {
            bootstrap.interrupt();
        }
        if (committer != null) {
            committer.close();
        }
        try {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.warn("closing the cluster node failed", e);
        }
        // after the server: nothing more is applied, and what was is in memory before the broker closes
        memory.close();
    }
}
