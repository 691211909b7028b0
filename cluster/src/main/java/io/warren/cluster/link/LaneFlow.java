package io.warren.cluster.link;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.FlowWaiter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Stops reading another node's publish connection while a queue it published to here is in flow control, as a local
 * publisher's connection stops ({@code PublisherFlow}): the other node's link then fills up and its own publishers to
 * this node's queues pause. Its consumers' acks come over the other connection and keep ending the flow. Also held
 * on request ({@link ClusterLink#pauseReading}). Link-thread state, except flowEnded which queues call.
 */
final class LaneFlow implements FlowWaiter {
    private final Channel socket;
    private final Set<AmqpQueue> blockedBy = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean held;
    private volatile int blockedCount;

    LaneFlow(Channel socket) {
        this.socket = socket;
    }

    /** Link thread: the connection just handed a batch to q; if q is in flow, stop reading until it is not. */
    void publishedTo(AmqpQueue q) {
        if (q.inFlow() && blockedBy.add(q)) {
            update();
            q.execute(() -> q.awaitFlowEnd(this));
        }
    }

    /**
     * Any thread: stops (true) or allows again (false) reading, whatever the queues say; the future completes once
     * the connection's loop has applied it, after which nothing more is read from it while held.
     */
    Future<?> hold(boolean hold) {
        return socket.eventLoop().submit(() -> {
            held = hold;
            update();
        });
    }

    /** True while the connection is held for a queue in flow (a recent view from another thread). */
    boolean blocked() {
        return blockedCount > 0;
    }

    /** Runs r once the connection has closed. */
    void closed(Runnable r) {
        socket.closeFuture().addListener(f -> r.run());
    }

    @Override
    public void flowEnded(AmqpQueue queue) {
        socket.eventLoop().execute(() -> {
            if (blockedBy.remove(queue)) {
                update();
            }
        });
    }

    private void update() {
        blockedCount = blockedBy.size();
        boolean read = !held && blockedBy.isEmpty();
        if (socket.config().isAutoRead() != read) {
            socket.config().setAutoRead(read);
        }
    }
}
