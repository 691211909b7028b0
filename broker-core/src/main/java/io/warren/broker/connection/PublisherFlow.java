package io.warren.broker.connection;

import io.netty.channel.Channel;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.FlowWaiter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Pauses reading from a connection for any of three reasons, and resumes only when none holds: a queue it published
 * to is in flow control, a resource alarm holds it (see {@link AlarmBlock}), or its client does not read what the
 * broker writes (the socket's outbound buffer is over its high water mark), so that returns and confirms its own
 * publishes cause cannot pile up in the broker's memory. Connection-thread state, except flowEnded which queues call.
 */
final class PublisherFlow implements FlowWaiter {
    private final Channel socket;
    private final Set<AmqpQueue> blockedBy = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean heldByAlarm;
    private boolean heldForOutput;

    PublisherFlow(Channel socket) {
        this.socket = socket;
    }

    /** The connection just published to q; if q is in flow, stop reading until it is not. */
    void publishedTo(AmqpQueue q) {
        if (q.inFlow() && blockedBy.add(q)) {
            updateReading();
            q.execute(() -> q.awaitFlowEnd(this));
        }
    }

    boolean isBlocked() {
        return !blockedBy.isEmpty();
    }

    /** Stops (true) or allows again (false) reading on behalf of the resource alarms. */
    void holdForAlarm(boolean hold) {
        heldByAlarm = hold;
        updateReading();
    }

    /** Stops (true) or allows again (false) reading while the client leaves the broker's writes unread. */
    void holdForOutput(boolean hold) {
        heldForOutput = hold;
        updateReading();
    }

    boolean isHeldForOutput() {
        return heldForOutput;
    }

    /** True while the broker has stopped reading this connection, so silence from the client is expected. */
    boolean readingPaused() {
        return heldByAlarm || heldForOutput || !blockedBy.isEmpty();
    }

    @Override
    public void flowEnded(AmqpQueue queue) {
        socket.eventLoop().execute(() -> {
            if (blockedBy.remove(queue)) {
                updateReading();
            }
        });
    }

    private void updateReading() {
        boolean read = !readingPaused();
        if (socket.config().isAutoRead() != read) {
            socket.config().setAutoRead(read);
        }
    }
}
