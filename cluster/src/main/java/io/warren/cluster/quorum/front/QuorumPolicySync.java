package io.warren.cluster.quorum.front;

import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.state.LoggedPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a quorum queue's config in its shard in step with the policies of the definitions log: when the config its
 * arguments and policy give changes, a {@code ConfigureQueue} goes with the definitions index the policies are
 * current at. Every node does this for its own front of the queue, rather than one chosen node: a choice (the
 * shard's leader, the change's origin) can die or move between the definitions commit and the command, and then
 * nobody sends it. The shard keeps the config of the highest index only, so the copies cost a few bytes each and
 * change nothing. A node sends only when the config it computes changes (so a policy that matches other queues
 * sends nothing for this one); the node whose config is in force thus always sends the next change. At a start,
 * where this node sent nothing yet, it compares with its replica's config instead. Runs on the front's timer.
 */
final class QuorumPolicySync {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumPolicySync.class);
    private final QuorumQueue queue;
    private final QuorumFront front;
    // guarded by this: the config this node last computed (null: none yet), and whether it still has to go
    private QueueConfig computed;
    private boolean unsent;
    private long wanted = -1;

    QuorumPolicySync(QuorumQueue queue, QuorumFront front) {
        this.queue = queue;
        this.front = front;
    }

    /** The config to attach the queue with: its arguments under the policies in force now. */
    synchronized QueueConfig attachConfig() {
        QueueConfig c;
        try {
            c = QuorumQueueConfig.of(queue, front.state().policies().current(queue.vhost()));
        } catch (RuntimeException e) {
            // a policy the queue cannot take must not keep it out of its shard: its own arguments were checked
            LOG.warn("quorum queue '{}' in vhost '{}': its policy cannot apply: {}", queue.name(), queue.vhost(),
                    e.getMessage());
            c = QuorumQueueConfig.of(queue.name(), queue.vhost(), queue.arguments());
        }
        computed = c;
        return c;
    }

    /** After the attach, and after each policy change in the queue's vhost. */
    void sync(long declaredIndex) {
        step(declaredIndex, 0);
    }

    private void step(long declaredIndex, int attempt) {
        if (queue.isDeleted() || front.closed()) {
            return;
        }
        LoggedPolicies.Current now = front.state().policies().current(queue.vhost());
        if (now.index() < 0) {
            return; // reset from a store whose index is not known yet: told again once it is
        }
        QueueConfig next;
        try {
            next = QuorumQueueConfig.of(queue, now);
        } catch (RuntimeException e) {
            LOG.warn("quorum queue '{}' in vhost '{}': its policy cannot apply: {}", queue.name(), queue.vhost(),
                    e.getMessage());
            return;
        }
        long index = now.index();
        synchronized (this) {
            if (index < wanted || (index == wanted && attempt == 0 && !unsent)) {
                return; // a newer one went, or this one did
            }
            boolean changed = computed == null ? differsFromReplica(next, index) : !next.equals(computed);
            computed = next;
            wanted = index;
            unsent = (unsent || changed) && index > declaredIndex; // at or before the declaration, the attach has it
            if (!unsent) {
                return;
            }
        }
        queue.send(new Command.ConfigureQueue(queue.key(), index, next), (effect, reply, failure) -> {
            synchronized (this) {
                if (wanted != index) {
                    return; // superseded
                }
                if (failure == null) {
                    unsent = false;
                    return;
                }
            }
            front.later(() -> step(declaredIndex, attempt + 1), Math.min(5000, 100L << Math.min(attempt, 6)));
        });
    }

    // no local replica: nothing to compare with, so it goes
    private boolean differsFromReplica(QueueConfig next, long index) {
        ShardStateMachine local = front.localReplica(queue.shard());
        if (local == null) {
            return true;
        }
        return Boolean.TRUE.equals(local.readState(s -> {
            QueueConfig had = s.config(queue.key());
            return had == null || (!next.equals(had) && s.configIndex(queue.key()) < index);
        }));
    }
}
