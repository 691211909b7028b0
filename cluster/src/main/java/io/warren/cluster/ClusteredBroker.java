package io.warren.cluster;

import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import java.io.IOException;

/**
 * A broker that is one node of a cluster, made in the order the two need: the cluster node first (the broker's
 * journal writes through it), then the broker (which restores what its store holds), then the node's Raft server
 * (which replays what the store has not seen yet). The caller starts the broker's listeners.
 */
public final class ClusteredBroker implements AutoCloseable {
    private final Broker broker;
    private final ClusterNode node;

    private ClusteredBroker(Broker broker, ClusterNode node) {
        this.broker = broker;
        this.node = node;
    }

    public static ClusteredBroker open(BrokerConfig config, ClusterSettings settings) throws IOException {
        return open(config, settings, node -> { });
    }

    /** As {@link #open(BrokerConfig, ClusterSettings)}, with what must be set on the node before it starts. */
    public static ClusteredBroker open(BrokerConfig config, ClusterSettings settings,
                                       java.util.function.Consumer<ClusterNode> beforeStart) throws IOException {
        ClusterNode node = new ClusterNode(settings, config.dataDir());
        beforeStart.accept(node);
        Broker broker;
        try {
            broker = new Broker(config, node.replication());
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        try {
            node.start(broker);
        } catch (IOException | RuntimeException e) {
            node.close();
            broker.close();
            throw e;
        }
        return new ClusteredBroker(broker, node);
    }

    public Broker broker() {
        return broker;
    }

    public ClusterNode node() {
        return node;
    }

    /** Leaves the cluster's traffic first (nothing more is applied), then stops the broker. */
    @Override
    public void close() {
        node.close();
        broker.close();
    }
}
