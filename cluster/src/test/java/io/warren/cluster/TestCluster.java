package io.warren.cluster;

import io.warren.broker.BrokerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real nodes in this JVM, each a broker on its own AMQP port, cluster port and data directory. */
public final class TestCluster implements AutoCloseable {
    private final Path dir;
    private final List<ClusterMember> members = new ArrayList<>();
    private final List<ClusteredBroker> nodes = java.util.Collections.synchronizedList(new ArrayList<>());
    private long snapshotEvery = 1000;
    private long segmentBytes = 1024 * 1024;
    private Duration commitTimeout = Duration.ofSeconds(5);
    private final java.util.Map<Integer, Integer> linkPorts = new java.util.HashMap<>();
    private io.warren.broker.tls.TlsSettings linkTls;

    public TestCluster(Path dir, int size) {
        this.dir = dir;
        for (int i = 0; i < size; i++) {
            members.add(new ClusterMember(name(i), "127.0.0.1", freePort()));
            nodes.add(null);
        }
    }

    /** Snapshots every few entries, and log segments small enough that the log is trimmed behind them. */
    TestCluster snapshotEvery(long entries) {
        this.snapshotEvery = entries;
        this.segmentBytes = entries < 100 ? 2048 : segmentBytes;
        return this;
    }

    /** How long a change waits for a majority before it is refused. */
    TestCluster commitTimeout(Duration timeout) {
        this.commitTimeout = timeout;
        return this;
    }

    /** Node i's message link on its own port rather than its cluster port + 1. */
    TestCluster linkPort(int i, int port) {
        linkPorts.put(i, port);
        return this;
    }

    /** The initial members form no quorum shards (they do by default, as a real cluster does). */
    public TestCluster noQuorumShards() {
        this.quorumShards = false;
        return this;
    }

    private boolean quorumShards = true;
    private java.util.function.Consumer<ClusterNode> beforeStart = node -> { };

    /** Called with each node before it starts (to plug in its shards' leader-side effects, say). */
    public TestCluster beforeStart(java.util.function.Consumer<ClusterNode> setUp) {
        this.beforeStart = setUp;
        return this;
    }

    private java.util.function.UnaryOperator<BrokerConfig> brokerConfig = c -> c;

    /** Every node's broker configuration as this changes it (a consumer timeout checked often, say). */
    public TestCluster brokerConfig(java.util.function.UnaryOperator<BrokerConfig> change) {
        this.brokerConfig = change;
        return this;
    }

    /** Every node's link over TLS with these files. */
    TestCluster linkTls(io.warren.broker.tls.TlsSettings tls) {
        this.linkTls = tls;
        return this;
    }

    static String name(int i) {
        return "node" + (char) ('a' + i);
    }

    /**
     * A free port whose next two ports are free too: a node's message link listens on its cluster port + 1, its
     * quorum server on + 2.
     */
    static int freePort() {
        try {
            return io.warren.broker.TestPorts.run(3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts every node, each in the initial member list. */
    public TestCluster startAll() {
        for (int i = 0; i < members.size(); i++) {
            start(i);
        }
        return this;
    }

    public ClusteredBroker start(int i) {
        return start(i, members);
    }

    /** Starts node i (new, or again on its data) with the given initial member list. */
    public ClusteredBroker start(int i, List<ClusterMember> initial) {
        ClusterMember m = members.get(i);
        BrokerConfig config = brokerConfig.apply(BrokerConfig.defaults()).withAmqpPort(0).withBindAddress("127.0.0.1")
                .withDataDir(dir.resolve(m.name()));
        ClusterSettings s = ClusterSettings.of(m.name(), m.host(), m.port(), initial)
                .withCommitTimeout(commitTimeout).withSnapshotEvery(snapshotEvery)
                .withSegmentBytes(segmentBytes).withLinkPort(linkPorts.getOrDefault(i, 0))
                .withLinkTls(linkTls).withQuorumShards(quorumShards);
        try {
            ClusteredBroker b = ClusteredBroker.open(config, s, beforeStart);
            b.broker().start();
            nodes.set(i, b);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new node, not among the initial members: it waits to be added. */
    public int addMember() {
        members.add(new ClusterMember(name(members.size()), "127.0.0.1", freePort()));
        nodes.add(null);
        return members.size() - 1;
    }

    public ClusterMember member(int i) {
        return members.get(i);
    }

    public List<ClusterMember> members(int count) {
        return List.copyOf(members.subList(0, count));
    }

    public ClusteredBroker node(int i) {
        return nodes.get(i);
    }

    public void stop(int i) {
        ClusteredBroker b = nodes.set(i, null);
        if (b != null) {
            b.close();
        }
    }

    /**
     * Stops every node at once: a node's Raft servers take seconds to close (the quorum server's 6 shard groups
     * about 3 to 4 s here), which one after the other added up in every cluster test.
     */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            int n = i;
            Thread t = new Thread(() -> stop(n), "test-cluster-stop-" + name(i));
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
