package io.warren.broker.delayed;

import io.warren.broker.message.Message;
import io.warren.broker.queue.PublishBarrier;

/** A delayed message on its way in (with the publisher's confirm barrier) or loaded and waiting to fire. */
final class HeldMessage {
    final long due;
    Message message;
    /** The publisher's confirm barrier while it waits for the record to reach disk; null otherwise. */
    PublishBarrier barrier;
    /** The record in its bucket's log, or -1 when it was never logged (transient, and near when published). */
    long seq = -1;
    Bucket bucket;

    HeldMessage(long due, Message message, PublishBarrier barrier) {
        this.due = due;
        this.message = message;
        this.barrier = barrier;
    }

    /** Due time first; for equal times publish order, which is log order. */
    static int byDue(HeldMessage a, HeldMessage b) {
        int c = Long.compare(a.due, b.due);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }
}
