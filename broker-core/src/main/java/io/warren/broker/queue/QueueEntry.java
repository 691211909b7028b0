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
    // while unacked (see UnackedPaging): the body bytes it counts as held in memory, or -1; whether the body goes
    // once the delivery is written, and the body size it had then (its record in the queue's log keeps the rest)
    private int heldBytes = -1;
    private boolean pageOut;
    private int pagedBytes;

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

    /** The message, or null while it is paged out (unacked, its body only in the queue's log). */
    public Message message() {
        return message;
    }

    /** Releases the message's reference, if the entry still holds one. */
    public void releaseMessage() {
        if (message != null) {
            message.release();
        }
    }

    /**
     * Channel thread: the delivery's frames are handed to the socket (which holds its own reference to the body).
     * An entry the queue chose to page out lets go of its message now; its record in the queue's log has it.
     */
    public void wroteDelivery() {
        if (pageOut && message != null) {
            pagedBytes = message.bodySize();
            message.release();
            message = null;
        }
    }

    /** True while the message is only in the queue's log (see {@link #wroteDelivery}). */
    public boolean isPagedOut() {
        return message == null;
    }

    /** Body bytes, whether the message is in memory or paged out. */
    public long bodySize() {
        return message != null ? message.bodySize() : pagedBytes;
    }

    /** Body bytes the queue counts as held in memory for this unacked entry, or -1 when it counts none. */
    public int heldBytes() {
        return heldBytes;
    }

    public void heldBytes(int value) {
        heldBytes = value;
    }

    public void pageOutAfterWrite(boolean value) {
        pageOut = value;
    }

    /** Gives a paged-out entry its message again, as read back from the log. */
    public void restore(Message m) {
        message = m;
        pageOut = false;
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
