package io.warren.cluster.state;

import io.warren.broker.durable.PolicyJson;
import io.warren.broker.policy.Policy;
import io.warren.broker.policy.VhostPolicies;
import io.warren.cluster.log.DefinitionChange;
import io.warren.store.definitions.PolicyRow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each vhost's policies as the definitions log has made them, with the index they are current at. Quorum queues
 * need this pair rather than the broker's memory: a shard takes a queue's config at a definitions index and keeps
 * the newest, so a config must never be sent with an index newer than the policies it was computed from. Memory
 * lags the log (and the node that made a change applies it from its caller), so it cannot give that pair; this
 * does, since it is updated on the thread that applies the log, in log order.
 */
public final class LoggedPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(LoggedPolicies.class);

    /** A vhost's policies as they are from a definitions index on (an index of -1: not known yet). */
    public record Current(long index, VhostPolicies policies) {
        /** The policy that applies to the quorum queue of this name, or null. */
        public Policy forQuorumQueue(String queue) {
            return policies.forQuorumQueue(queue);
        }
    }

    private final Map<String, Current> vhosts = new ConcurrentHashMap<>();
    private volatile long restoredAt = -1;
    private volatile BiConsumer<String, Long> listener = (vhost, index) -> { };

    /**
     * Starts over from stored policies (start-up, an installed snapshot). Their index is not known until
     * {@link #restoredAt} (-1 meanwhile, so nothing is sent with the index of what was there before), which also
     * tells the listener.
     */
    void reset(List<PolicyRow> rows) {
        restoredAt = -1;
        vhosts.clear();
        for (PolicyRow r : rows) {
            Current c = vhosts.computeIfAbsent(r.vhost(), v -> new Current(-1, new VhostPolicies()));
            Policy p = policy(r);
            if (p != null) {
                c.policies().put(p);
            }
        }
    }

    /** The store held the log up to this index when the policies were last reset from it: every vhost is told. */
    void restoredAt(long index) {
        restoredAt = index;
        vhosts.keySet().forEach(v -> listener.accept(v, index));
    }

    /** Takes in a change applied at this index (on the log's apply thread, in log order). */
    void applied(DefinitionChange c, long index) {
        switch (c.op()) {
            case "putPolicy" -> {
                PolicyRow r = c.row(PolicyRow.class);
                Policy p = policy(r);
                VhostPolicies next = copy(r.vhost());
                if (p == null) {
                    next.remove(r.name());
                } else {
                    next.put(p);
                }
                changed(r.vhost(), next, index);
            }
            case "deletePolicy" -> {
                VhostPolicies next = copy(c.key(0));
                next.remove(c.key(1));
                changed(c.key(0), next, index);
            }
            case "deleteVhost" -> vhosts.remove(c.key(0));
            default -> {
            }
        }
    }

    /** The vhost's policies and the index they are current at (the later of their last change and the restore). */
    public Current current(String vhost) {
        Current c = vhosts.get(vhost);
        long restored = restoredAt;
        if (c == null) {
            return new Current(restored, new VhostPolicies());
        }
        return c.index() >= restored ? c : new Current(restored, c.policies());
    }

    /** Told the vhost and index of each change, on the log's apply thread: it must not block. */
    public void onChange(BiConsumer<String, Long> listener) {
        this.listener = listener;
    }

    // a change replaces the vhost's whole set, so a reader never sees a set with an index it is not current at
    private void changed(String vhost, VhostPolicies next, long index) {
        vhosts.put(vhost, new Current(index, next));
        listener.accept(vhost, index);
    }

    private VhostPolicies copy(String vhost) {
        VhostPolicies next = new VhostPolicies();
        Current c = vhosts.get(vhost);
        if (c != null) {
            c.policies().list().forEach(next::put);
        }
        return next;
    }

    private static Policy policy(PolicyRow r) {
        try {
            return Policy.of(r.vhost(), r.name(), r.pattern(), r.applyTo(), PolicyJson.read(r.definitionJson()),
                    r.priority());
        } catch (RuntimeException e) {
            // refused alike on every node, as the broker's memory refuses it
            LOG.warn("policy '{}' in vhost '{}' is not valid here: {}", r.name(), r.vhost(), e.getMessage());
            return null;
        }
    }
}
