package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Where a shard's leader carries out what applying an entry asks (deliveries, dead letters, cancellations). Called
 * on the division's apply thread, in log order, and only while this replica is the leader and ready (the entries
 * of its own term applied), so a delivery is sent once, by one node. A new leader learns what consumers hold from
 * the state ({@code ShardState.checkedOut}) when {@link #leaderReady} is called, not from replayed effects.
 */
public interface ShardEffects {
    /** Effects of the entry at this log index. The bodies they need must be read before returning (see Bodies). */
    void applied(long index, List<Effect> effects, Bodies bodies);

    /**
     * The replica whose effects these are, once it is initialized and before any other call: a new leader reads
     * what its consumers hold ({@link ShardStateMachine#readState}) and their bodies ({@link
     * ShardStateMachine#bodies}) from it.
     */
    default void attached(ShardStateMachine machine) {
    }

    /**
     * This replica became the leader and has applied its term's first entry: deliveries are now its job. Called on
     * a Ratis thread, not the apply thread (so is {@link #notLeader}).
     */
    default void leaderReady() {
    }

    /** This replica is no longer the leader (or never was): it stops delivering. */
    default void notLeader() {
    }

    /** Both, in this order: each call goes to a, then to b (an exception from a is not b's concern). */
    static ShardEffects both(ShardEffects a, ShardEffects b) {
        return new ShardEffects() {
            @Override
            public void applied(long index, List<Effect> effects, Bodies bodies) {
                try {
                    a.applied(index, effects, bodies);
                } finally {
                    b.applied(index, effects, bodies);
                }
            }

            @Override
            public void attached(ShardStateMachine machine) {
                a.attached(machine);
                b.attached(machine);
            }

            @Override
            public void leaderReady() {
                try {
                    a.leaderReady();
                } finally {
                    b.leaderReady();
                }
            }

            @Override
            public void notLeader() {
                try {
                    a.notLeader();
                } finally {
                    b.notLeader();
                }
            }
        };
    }

    /** Does nothing: a replica with no consumers to serve, and tests. */
    ShardEffects NONE = (index, effects, bodies) -> {
    };

    /**
     * The message bytes of the entry's effects: from the entry itself when it carried them, else from the body
     * store. Bodies the effects release (no-ack deliveries, dead letters at most once) are released only after
     * {@link #applied} returns, so they can be read during the call, not after.
     */
    interface Bodies {
        /** The message bytes stored under msgId in the queue, or null when there are none. */
        ByteBuffer body(QueueKey queue, long msgId);
    }
}
