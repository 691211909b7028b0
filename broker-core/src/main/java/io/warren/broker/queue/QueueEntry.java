package io.warren.broker.queue;

import io.warren.broker.message.Message;

/** One message's place in one queue: its position (for requeue in original order) and redelivery state. */
public final class QueueEntry {
    private Message message;
    private final long sequence;
    private final long expiresAt;
    private boolean redelivered;
    private boolean logged;
    private int returns;
    // the priority level it waits at in a priority queue; its message may be released by the time it is settled
    private int level;

    public QueueEntry(Message message, long sequence) {
        this(message, sequence, false, false, NEVER);
    }

    public QueueEntry(Message message, long sequence, boolean redelivered, boolean logged, long expiresAt) {
        this.message = message;
        this.sequence = sequence;
        this.redelivered = redelivered;
        this.logged = logged;
        this.expiresAt = expiresAt;
    }

    /** The expiry time of a message that never expires. */
    public static final long NEVER = Long.MAX_VALUE;

    /** When the message expires in this queue (ms since the epoch), or {@link #NEVER}. */
    public long expiresAt() {
        return expiresAt;
    }

    /** True when the message's time has come by now: a TTL of 0 is over as soon as the clock is read again. */
    public boolean expiredAt(long now) {
        return expiresAt <= now;
    }

    /** How often a consumer gave the message back (the delivery count RabbitMQ's quorum queues keep). */
    public int returns() {
        return returns;
    }

    public void returned() {
        returns++;
    }

    /** Sets the count of a message read back from disk, where it was kept while the message waited there. */
    public void restoreReturns(int value) {
        returns = value;
    }

    /** Swaps in a rewritten copy of the message (the old reference is the caller's to release). */
    public void replaceMessage(Message m) {
        message = m;
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

    public void markRedelivered() {
        redelivered = true;
    }

    /** True while the queue's log holds a live record of this entry, which its ack must finish. */
    public boolean logged() {
        return logged;
    }

    public void markLogged(boolean value) {
        logged = value;
    }

    public int level() {
        return level;
    }

    public void level(int value) {
        level = value;
    }
}
