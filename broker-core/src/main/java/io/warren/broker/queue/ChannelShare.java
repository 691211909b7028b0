package io.warren.broker.queue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One consumer's part in its channel's prefetch window (basic.qos with global=true), as RabbitMQ 3.10's limiter has
 * it: a delivery that must be acknowledged takes a slot; a no-ack delivery takes none but, like any other, waits
 * while the window is full. A consumer that finds the window full is marked waiting, and the channel hands the slots
 * that acks free to its waiting consumers in turn ({@link #grant}), so that no queue takes every freed slot. The
 * queue's thread takes slots, the channel's thread grants them: lock-free.
 */
public final class ChannelShare {
    private final Credit window;
    private final boolean noAck;
    // slots the channel handed over for this consumer's turn and it has not used yet
    private final AtomicInteger granted = new AtomicInteger();
    private final AtomicBoolean waiting = new AtomicBoolean();
    // the channel's thread only: when the channel last wrote a delivery of this consumer
    private long lastServed;

    ChannelShare(Credit window, boolean noAck) {
        this.window = window;
        this.noAck = noAck;
    }

    boolean limited() {
        return window.limit() > 0;
    }

    /**
     * Queue thread: a slot for one delivery (for a no-ack one, room for it); when there is none the consumer is
     * marked waiting. The second try closes the race with a slot freed or granted between the first and the mark.
     */
    boolean take() {
        if (tryTake()) {
            if (waiting.get()) {
                waiting.set(false); // served from the window: no grant is owed any more
            }
            return true;
        }
        waiting.set(true);
        if (tryTake()) {
            waiting.set(false);
            return true;
        }
        return false;
    }

    private boolean tryTake() {
        if (noAck) {
            return granted.get() > 0 || window.hasRoom();
        }
        int g;
        while ((g = granted.get()) > 0) {
            if (granted.compareAndSet(g, g - 1)) {
                return true;
            }
        }
        return window.tryTake();
    }

    /** Channel thread: true when the consumer waits for a slot of the window. */
    public boolean waiting() {
        return waiting.get();
    }

    /**
     * Channel thread: hands the waiting consumer one slot, freed by an ack and still counted in the window; false
     * when it no longer waits (it found room meanwhile).
     */
    boolean grant() {
        if (!waiting.compareAndSet(true, false)) {
            return false;
        }
        granted.incrementAndGet();
        return true;
    }

    /** Queue thread, after the consumer's turn: the granted slots it did not use, which go back to the channel. */
    int takeUnused() {
        return granted.getAndSet(0);
    }

    /** Channel thread: the channel wrote a delivery of this consumer at this point of its own count. */
    public void served(long stamp) {
        lastServed = stamp;
    }

    /** Channel thread: when the channel last wrote a delivery of this consumer (0 if never). */
    public long lastServed() {
        return lastServed;
    }
}
