package io.warren.broker.channel;

import io.warren.codec.methods.Basic;

/** Publisher confirms of one channel: sequence numbers, and one basic.ack per batch covering them. */
final class ConfirmTracker {
    private boolean enabled;
    private long published;
    private long confirmed;

    void enable() {
        enabled = true;
    }

    boolean enabled() {
        return enabled;
    }

    /** Counts a publish; returns its sequence number (0 when confirms are off). */
    long published() {
        return enabled ? ++published : 0;
    }

    /** The ack owed for everything routed since the last one, or null. */
    Basic.Ack pendingAck() {
        if (!enabled || published == confirmed) {
            return null;
        }
        boolean multiple = published - confirmed > 1;
        confirmed = published;
        return new Basic.Ack(published, multiple);
    }
}
