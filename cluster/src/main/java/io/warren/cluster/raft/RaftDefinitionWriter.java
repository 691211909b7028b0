package io.warren.cluster.raft;

import io.warren.broker.error.AmqpException;
import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.state.MemoryApplier;
import io.warren.codec.ReplyCodes;
import io.warren.store.definitions.QueueRow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer a cluster node's broker journals its definition changes through: each becomes an entry of the
 * cluster's log, stamped with this node and a request number, and the call returns once a majority has committed
 * it. Changes the {@link MemoryApplier} makes (another node's, being applied here) are already in the log and
 * pass through untouched. A queue declared here gets this node as its home, unless its placement chose another.
 */
public final class RaftDefinitionWriter extends ChangeRecorder {
    private final String self;
    private final MemoryApplier memory;
    // numbered on from the start time: an earlier run's entries replayed at start must not match this run's claims
    private final AtomicLong requests = new AtomicLong(System.currentTimeMillis() << 16);
    private final java.util.function.BiFunction<String, String, String> chosenHome;
    private volatile ChangeCommitter committer;

    /** chosenHome: the home placement chose on another node for a queue being declared here (vhost, queue), or null. */
    public RaftDefinitionWriter(String self, MemoryApplier memory,
                                java.util.function.BiFunction<String, String, String> chosenHome) {
        this.self = self;
        this.memory = memory;
        this.chosenHome = chosenHome;
    }

    /** From now on changes go to the cluster. */
    public void connect(ChangeCommitter c) {
        this.committer = c;
    }

    /** Submits a change of the cluster's transient definitions; returns once committed, or throws. */
    public void submitTransient(String op, Object row, String... keys) {
        submit(op, row, keys);
    }

    /**
     * Commits a change made on nobody's behalf (request 0): every node, this one included, applies it to its
     * memory. Throws when no majority commits it in time.
     */
    public void commitUnclaimed(String op, Object row, String... keys) {
        ChangeCommitter c = committer;
        if (c == null) {
            throw AmqpException.connection(ReplyCodes.INTERNAL_ERROR, "this node has not joined its cluster yet");
        }
        c.commit(change(op, self, 0, row, keys));
    }

    @Override
    protected void submit(String op, Object row, String... keys) {
        if (memory.isApplierThread()) {
            return;
        }
        ChangeCommitter c = committer;
        if (c == null) {
            throw AmqpException.connection(ReplyCodes.INTERNAL_ERROR, "this node has not joined its cluster yet: "
                    + "definitions cannot change until it has");
        }
        Object stamped = row;
        if (row instanceof QueueRow q && q.node() == null) {
            String home = chosenHome.apply(q.vhost(), q.name());
            stamped = q.withNode(home == null ? self : home);
        }
        c.commit(change(op, self, requests.incrementAndGet(), stamped, keys));
    }
}
