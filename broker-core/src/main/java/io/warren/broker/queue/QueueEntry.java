package io.warren.broker.queue;

import io.warren.broker.message.Message;

/** One message's place in one queue: its position (for requeue in original order) and redelivery state. */
public final class QueueEntry {
    private final Message message;
    private final long sequence;
    private boolean redelivered;

    QueueEntry(Message message, long sequence) {
        this.message = message;
        this.sequence = sequence;
    }

    public Message message() {
        return message;
    }

    public long sequence() {
        return sequence;
    }

    public boolean redelivered() {
        return redelivered;
    }

    void markRedelivered() {
        redelivered = true;
    }
}
