package io.warren.cluster.quorum.front;

import io.warren.cluster.ClusterNode;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.deliver.QuorumConsumerTarget;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.state.Effect;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test's stand-in for the shard leader's delivery dispatcher: the nodes of a TestCluster share a JVM, so the
 * leader hands each delivery straight to the consumer's node's endpoints (a real cluster sends it over the link).
 * It does not resend what consumers held when the leader changed.
 */
final class InProcessDeliveries implements ShardEffects {
    private final Map<String, ClusterNode> nodes;

    private InProcessDeliveries(Map<String, ClusterNode> nodes) {
        this.nodes = nodes;
    }

    /** For TestCluster.beforeStart: every node's shards deliver to the nodes registered in the shared map. */
    static java.util.function.Consumer<ClusterNode> plugIn() {
        Map<String, ClusterNode> nodes = new ConcurrentHashMap<>();
        InProcessDeliveries effects = new InProcessDeliveries(nodes);
        return node -> {
            nodes.put(node.nodeName(), node);
            node.useShardEffects(group -> effects);
        };
    }

    @Override
    public void applied(long index, List<Effect> effects, Bodies bodies) {
        for (Effect e : effects) {
            if (e instanceof Effect.Deliver d) {
                QuorumConsumerTarget t = target(d.consumer().node(), d.consumer());
                ByteBuffer stored = bodies.body(d.queue(), d.msgId());
                if (t != null && stored != null) {
                    ByteBuffer copy = ByteBuffer.allocate(stored.remaining()).put(stored.duplicate()).flip();
                    t.deliver(d.msgId(), d.redelivered(), d.deliveryCount(), QuorumMessageFormat.decode(copy));
                }
            } else if (e instanceof Effect.ConsumerCancelled c) {
                QuorumConsumerTarget t = target(c.consumer().node(), c.consumer());
                if (t != null) {
                    t.cancelled(c.why());
                }
            }
        }
    }

    private QuorumConsumerTarget target(String node, io.warren.cluster.quorum.state.ConsumerKey key) {
        ClusterNode n = nodes.get(node);
        return n == null ? null : n.quorumFront().endpoints().target(key);
    }
}
