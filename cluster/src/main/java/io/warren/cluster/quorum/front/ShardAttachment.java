package io.warren.cluster.quorum.front;

import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.Command;

/**
 * Keeps a quorum queue's shard in step with the definitions log: the shard holds the queue from the index of its
 * declaration (AttachQueue) to the index of its deletion (DetachQueue). Every node's queue checks its own replica
 * and submits the attach when the replica lacks it, so a crash between the definitions commit and the attach heals;
 * an attach or detach at an index the shard has seen changes nothing, so many nodes submitting it is harmless.
 * Runs on the front's timer.
 */
final class ShardAttachment {
    private static final int DETACH_ATTEMPTS = 600;
    private final QuorumQueue queue;
    private final QuorumFront front;
    private final QuorumPolicySync policy;
    // the definitions index this node attached the queue at (-1: not known yet)
    private volatile long declaredIndex = -1;
    // the shard has the queue: a config sent before would be lost on a queue it does not have yet
    private volatile boolean attached;

    ShardAttachment(QuorumQueue queue, QuorumFront front, QuorumPolicySync policy) {
        this.queue = queue;
        this.front = front;
        this.policy = policy;
    }

    /** A policy in the queue's vhost changed: once attached, the shard gets the queue's new config. */
    void policiesChanged() {
        if (attached) {
            policy.sync(declaredIndex);
        }
    }

    private void attached(long index) {
        attached = true;
        queue.execute(queue::attachedNow);
        // a policy may have changed since the config the shard was given; on the timer, not a reply's thread
        front.later(() -> policy.sync(index), 0);
    }

    void attach() {
        front.later(() -> attachStep(0), 0);
    }

    private void attachStep(int attempt) {
        if (queue.isDeleted() || front.closed()) {
            return;
        }
        long index = front.state().declaredAt(queue.vhost(), queue.name());
        if (index < 0) {
            // declared here and committed, but not applied here yet
            front.later(() -> attachStep(attempt + 1), backoff(attempt));
            return;
        }
        declaredIndex = index;
        ShardStateMachine local = front.localReplica(queue.shard());
        if (local != null && Boolean.TRUE.equals(local.readState(s -> s.config(queue.key()) != null))) {
            attached(index);
            return;
        }
        queue.send(new Command.AttachQueue(queue.key(), index, policy.attachConfig()), (effect, reply, failure) -> {
            if (failure != null) {
                front.later(() -> attachStep(attempt + 1), backoff(attempt));
            } else {
                attached(index);
            }
        });
    }

    private static long backoff(int attempt) {
        return Math.min(2000, 20L << Math.min(attempt, 7));
    }

    /** The queue was deleted: the detach goes at the deletion's index, known once this node applied it. */
    void detach() {
        front.later(() -> detachStep(0), 0);
    }

    private void detachStep(int attempt) {
        if (front.closed()) {
            return;
        }
        long at = front.state().deletedAt(queue.vhost(), queue.name());
        if (at < 0 || at <= declaredIndex) {
            if (attempt < DETACH_ATTEMPTS) {
                front.later(() -> detachStep(attempt + 1), 50);
            }
            return;
        }
        queue.send(new Command.DetachQueue(queue.key(), at), (effect, reply, failure) -> {
            if (failure != null && attempt < DETACH_ATTEMPTS) {
                front.later(() -> detachStep(attempt + 1), 1000);
            }
        });
    }
}
