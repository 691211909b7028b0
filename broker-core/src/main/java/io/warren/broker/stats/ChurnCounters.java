package io.warren.broker.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many AMQP connections were accepted and closed and how many queues were declared, created and deleted since
 * start: the churn that a growing rate of shows leaks and reconnect storms. Channel churn is in
 * {@link MessageTotals}, which sees every channel come and go.
 */
public final class ChurnCounters {
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder queuesDeclared = new LongAdder();
    private final LongAdder queuesCreated = new LongAdder();
    private final LongAdder queuesDeleted = new LongAdder();

    public void connectionOpened() {
        connectionsOpened.increment();
    }

    public void connectionClosed() {
        connectionsClosed.increment();
    }

    /** A declaration, new queue or not; {@link #queueCreated} follows when it made one. */
    public void queueDeclared() {
        queuesDeclared.increment();
    }

    public void queueCreated() {
        queuesCreated.increment();
    }

    public void queueDeleted() {
        queuesDeleted.increment();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    public long queuesDeclared() {
        return queuesDeclared.sum();
    }

    public long queuesCreated() {
        return queuesCreated.sum();
    }

    public long queuesDeleted() {
        return queuesDeleted.sum();
    }
}
