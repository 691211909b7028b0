package io.warren.cluster.quorum.state;

import io.warren.broker.queue.DeathReason;

/**
 * What applying a command asks the world to do. Every replica computes the same effects; those that touch message
 * bodies (Enqueued stores one, Released / Dropped / DeadLetter end one) matter to every replica's body store, the
 * rest (deliveries, replies, cancellations) only the leader carries out.
 */
public sealed interface Effect {

    QueueKey queue();

    /** The message was taken as msgId: store its body under that id and confirm it to the publisher. */
    record Enqueued(QueueKey queue, Origin origin, long seq, long msgId) implements Effect {
    }

    /** The message was refused (why: reject-publish, no such queue): the publisher hears a nack. */
    record EnqueueRefused(QueueKey queue, Origin origin, long seq, String why) implements Effect {
    }

    /** This origin's seq was applied before (a retry after a leader change): nothing was enqueued again. */
    record EnqueueDuplicate(QueueKey queue, Origin origin, long seq) implements Effect {
    }

    /** Send msgId to the consumer; deliveryCount is x-delivery-count (the returns it has had). */
    record Deliver(QueueKey queue, ConsumerKey consumer, long msgId, boolean redelivered, int deliveryCount)
            implements Effect {
    }

    /** basic.get-ok for msgId; remaining is the queue's ready count after it. */
    record Dequeued(QueueKey queue, ConsumerKey getter, long msgId, boolean redelivered, int deliveryCount,
                    long remaining) implements Effect {
    }

    /** basic.get-empty. */
    record DequeueEmpty(QueueKey queue, ConsumerKey getter) implements Effect {
    }

    /** The message is finished (settled, purged, delivered with no-ack, dead letter confirmed): its body can go. */
    record Released(QueueKey queue, long msgId) implements Effect {
    }

    /**
     * The message died: publish it to the dead-letter exchange. atLeastOnce: it stays in the queue until a
     * DeadLetterSettle; otherwise its body can go once published (and at once on a follower).
     */
    record DeadLetter(QueueKey queue, long msgId, DeathReason reason, boolean atLeastOnce) implements Effect {
    }

    /** The message died and the queue has no dead-letter exchange: its body can go. */
    record Dropped(QueueKey queue, long msgId, DeathReason reason) implements Effect {
    }

    /** queue.purge-ok. */
    record Purged(QueueKey queue, long count) implements Effect {
    }

    /** basic.consume cannot be served (why: exclusive use, no such queue): the channel hears an error. */
    record ConsumerRefused(QueueKey queue, ConsumerKey consumer, String why) implements Effect {
    }

    /** With single active consumer: the consumer became the active one, or waits. */
    record ConsumerActivity(QueueKey queue, ConsumerKey consumer, boolean active) implements Effect {
    }

    /** The consumer was ended by the queue (why: node down, queue deleted): basic.cancel to the client. */
    record ConsumerCancelled(QueueKey queue, ConsumerKey consumer, String why) implements Effect {
    }

    /** The queue is gone: every body it stored can go. */
    record QueueRemoved(QueueKey queue) implements Effect {
    }
}
