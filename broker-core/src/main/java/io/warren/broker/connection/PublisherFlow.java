package io.warren.broker.connection;

import io.netty.channel.Channel;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.MessageQueue;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Pauses reading from a publishing connection while a queue it published to is in flow control, or while a
 * resource alarm holds it (see {@link AlarmBlock}), and resumes when neither does. Connection-thread state,
 * except flowEnded which queues call.
 */
final class PublisherFlow implements FlowWaiter {
    private final Channel socket;
    private final Set<MessageQueue> blockedBy = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean heldByAlarm;

    PublisherFlow(Channel socket) {
        this.socket = socket;
    }

    /** The connection just published to q; if q is in flow, stop reading until it is not. */
    void publishedTo(MessageQueue q) {
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

    /** True while the broker has stopped reading this connection, so silence from the client is expected. */
    boolean readingPaused() {
        return heldByAlarm || !blockedBy.isEmpty();
    }

    @Override
    public void flowEnded(MessageQueue queue) {
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
