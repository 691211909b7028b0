package io.warren.cluster.quorum.deliver;

import io.warren.cluster.quorum.state.ConsumerKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** This node's quorum queue consumers by key: where deliveries that reach this node go. One per node; any thread. */
public final class QuorumEndpoints {
    private final Map<ConsumerKey, QuorumConsumerTarget> targets = new ConcurrentHashMap<>();

    /** The consumer's deliveries go to target from now on. */
    public void register(ConsumerKey consumer, QuorumConsumerTarget target) {
        targets.put(consumer, target);
    }

    /** The consumer is gone here: what still arrives for it is dropped (the shard returns it when told). */
    public void unregister(ConsumerKey consumer) {
        targets.remove(consumer);
    }

    /** The consumer's target, or null when it is not (or no longer) on this node. */
    public QuorumConsumerTarget target(ConsumerKey consumer) {
        return targets.get(consumer);
    }
}
