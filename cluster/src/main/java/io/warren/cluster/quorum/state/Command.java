package io.warren.cluster.quorum.state;

import java.util.List;
import java.util.Objects;

/**
 * One change to a shard's state, as it travels in the Raft log. Applying commands in log order is all a replica
 * does, so each carries every fact it needs: a time where time matters (never the replica's clock), and a message's
 * id, size and header facts but never its body, which another component stores.
 */
public sealed interface Command {

    /** The queue the command is for, or null for shard-wide commands (tick, node down). */
    QueueKey queue();

    /** A quorum queue was declared at this index of the definitions log: it starts here, empty. */
    record AttachQueue(QueueKey queue, long defsIndex, QueueConfig config) implements Command {
        public AttachQueue {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(config, "config");
        }
    }

    /** Its effective arguments changed (a policy) at this definitions index; older indexes are ignored. */
    record ConfigureQueue(QueueKey queue, long defsIndex, QueueConfig config) implements Command {
        public ConfigureQueue {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(config, "config");
        }
    }

    /** The queue was deleted at this definitions index: its messages and consumers go. */
    record DetachQueue(QueueKey queue, long defsIndex) implements Command {
        public DetachQueue {
            Objects.requireNonNull(queue, "queue");
        }
    }

    /**
     * A published message: seq increases per origin, so that a retry after a leader change is recognised.
     * priority is the message's priority property (0 when absent), ttl its expiration property in ms (-1 when
     * absent), time the leader's clock when it took the entry.
     */
    record Enqueue(Origin origin, long seq, QueueKey queue, long size, int priority, long ttl, long time)
            implements Command {
        public Enqueue {
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(queue, "queue");
            if (size < 0) {
                throw new IllegalArgumentException("message size " + size + " is negative");
            }
        }
    }

    /** basic.consume: prefetch 0 is unlimited; exclusive refuses any other consumer; no-ack settles on delivery. */
    record Checkout(QueueKey queue, ConsumerKey consumer, int prefetch, int priority, boolean exclusive,
                    boolean noAck) implements Command {
        public Checkout {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(consumer, "consumer");
            if (prefetch < 0) {
                throw new IllegalArgumentException("prefetch " + prefetch + " is negative");
            }
        }
    }

    /**
     * basic.cancel (returnUnacked false: what it holds stays until settled, as 0-9-1 wants) or its channel closed
     * (true: what it holds goes back to the queue).
     */
    record Cancel(QueueKey queue, ConsumerKey consumer, boolean returnUnacked) implements Command {
        public Cancel {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(consumer, "consumer");
        }
    }

    /** basic.ack of these messages. */
    record Settle(QueueKey queue, ConsumerKey consumer, List<Long> msgIds) implements Command {
        public Settle {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(consumer, "consumer");
            msgIds = List.copyOf(msgIds);
        }
    }

    /**
     * nack/reject with requeue, recover, or a consumer gone: back to the queue in their places. deliveryFailed
     * counts the return toward the delivery limit.
     */
    record Return(QueueKey queue, ConsumerKey consumer, List<Long> msgIds, boolean deliveryFailed)
            implements Command {
        public Return {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(consumer, "consumer");
            msgIds = List.copyOf(msgIds);
        }
    }

    /** nack/reject without requeue: dead-lettered with reason rejected, or dropped. */
    record Discard(QueueKey queue, ConsumerKey consumer, List<Long> msgIds) implements Command {
        public Discard {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(consumer, "consumer");
            msgIds = List.copyOf(msgIds);
        }
    }

    /** basic.get: with ack, the message is checked out to the getter until it settles, returns or discards it. */
    record Dequeue(QueueKey queue, ConsumerKey getter, boolean noAck) implements Command {
        public Dequeue {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(getter, "getter");
        }
    }

    /** queue.purge: the ready messages go; checked-out ones stay. */
    record Purge(QueueKey queue) implements Command {
        public Purge {
            Objects.requireNonNull(queue, "queue");
        }
    }

    /**
     * The queue was declared again (or passively): a use, so x-expires counts from the entry's leader time. Changes
     * nothing else; a queue the shard does not have ignores it.
     */
    record Touch(QueueKey queue) implements Command {
        public Touch {
            Objects.requireNonNull(queue, "queue");
        }
    }

    /** Time passed (the leader's clock): due messages expire, idle origins are forgotten. */
    record Tick(long time) implements Command {
        @Override
        public QueueKey queue() {
            return null;
        }
    }

    /** A node left: its consumers are cancelled and what they held goes back, redelivered. */
    record NodeDown(String node) implements Command {
        public NodeDown {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public QueueKey queue() {
            return null;
        }
    }

    /** At-least-once dead-lettering: these dead letters reached their targets and can go. */
    record DeadLetterSettle(QueueKey queue, List<Long> msgIds) implements Command {
        public DeadLetterSettle {
            Objects.requireNonNull(queue, "queue");
            msgIds = List.copyOf(msgIds);
        }
    }
}
