package io.warren.broker.queue.classic;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.queue.FlowWaiter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A queue's flow control, like RabbitMQ's: a queue whose consumers are busy but fall behind stops its publishers
 * above {@link #HIGH} ready messages, so the machine's time goes to delivering rather than to a backlog; consumers
 * that delivered nothing for a second are stuck, not busy, and never hold publishers back. On the queue's loop,
 * except {@link #inFlow}.
 */
final class QueueFlow {
    static final int HIGH = 20_000;
    static final int LOW = HIGH / 2;
    private static final long BUSY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CHECK_MILLIS = 100;

    private final MessageQueue queue;
    private final EventExecutor loop;
    private final List<FlowWaiter> waiters = new ArrayList<>();
    private long lastDeliveryNanos;
    private volatile boolean inFlow;

    QueueFlow(MessageQueue queue, EventExecutor loop) {
        this.queue = queue;
        this.loop = loop;
    }

    /** True while publishers to the queue should pause; any thread. */
    boolean inFlow() {
        return inFlow;
    }

    /** The queue just handed messages to consumers. */
    void delivered() {
        lastDeliveryNanos = System.nanoTime();
    }

    /** Looks at the queue again after a change. */
    void update() {
        if (!inFlow) {
            if (queue.readyCount() >= HIGH && consumersBusy()) {
                inFlow = true;
                scheduleCheck();
            }
        } else if (queue.readyCount() <= LOW || !consumersBusy() || queue.isDeleted()) {
            end();
        }
    }

    private boolean consumersBusy() {
        return queue.consumerCount() > 0 && System.nanoTime() - lastDeliveryNanos < BUSY_NANOS;
    }

    // consumers that stop consuming altogether must not hold publishers forever: look again now and then
    private void scheduleCheck() {
        loop.schedule(() -> {
            if (inFlow) {
                update();
                if (inFlow) {
                    scheduleCheck();
                }
            }
        }, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void end() {
        inFlow = false;
        for (FlowWaiter w : waiters) {
            w.flowEnded(queue);
        }
        waiters.clear();
    }

    /** Adds a publisher that waits for the flow to end, or tells it at once that it has ended already. */
    void await(FlowWaiter waiter) {
        if (!inFlow) {
            waiter.flowEnded(queue);
        } else if (!waiters.contains(waiter)) {
            waiters.add(waiter);
        }
    }
}
