package io.warren.broker.connection;

import io.netty.channel.Channel;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.MessageQueue;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Pauses reading from a publishing connection while a queue it published to is in flow control, and resumes
 * when every such queue has caught up. Connection-thread state, except flowEnded which queues call.
 */
final class PublisherFlow implements FlowWaiter {
    private final Channel socket;
    private final Set<MessageQueue> blockedBy = Collections.newSetFromMap(new IdentityHashMap<>());

    PublisherFlow(Channel socket) {
        this.socket = socket;
    }

    /** The connection just published to q; if q is in flow, stop reading until it is not. */
    void publishedTo(MessageQueue q) {
        if (q.inFlow() && blockedBy.add(q)) {
            socket.config().setAutoRead(false);
            q.execute(() -> q.awaitFlowEnd(this));
        }
    }

    boolean isBlocked() {
        return !blockedBy.isEmpty();
    }

    @Override
    public void flowEnded(MessageQueue queue) {
        socket.eventLoop().execute(() -> {
            if (blockedBy.remove(queue) && blockedBy.isEmpty()) {
                socket.config().setAutoRead(true);
            }
        });
    }
}
