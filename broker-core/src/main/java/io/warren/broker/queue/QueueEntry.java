package io.warren.broker.queue;

import io.warren.broker.message.Message;

/** One message's place in one queue: its position (for requeue in original order) and redelivery state. */
public final class QueueEntry {
    private final Message message;
    private final long sequence;
    private boolean redelivered;
    private boolean logged;
    // the priority level it waits at in a priority queue; its message may be released by the time it is settled
    private int level;

    QueueEntry(Message message, long sequence) {
        this.message = message;
        this.sequence = sequence;
    }

    QueueEntry(Message message, long sequence, boolean redelivered, boolean logged) {
        this.message = message;
        this.sequence = sequence;
        this.redelivered = redelivered;
        this.logged = logged;
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

    /** True while the queue's log holds a live record of this entry, which its ack must finish. */
    public boolean logged() {
        return logged;
    }

    void markLogged(boolean value) {
        logged = value;
    }

    int level() {
        return level;
    }

    void level(int value) {
        level = value;
    }
}
