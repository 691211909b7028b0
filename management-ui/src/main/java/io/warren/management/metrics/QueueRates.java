package io.warren.management.metrics;

import io.warren.broker.admin.QueueView;

/**
 * One queue's rates (per second) as of the last sample, with the totals they were computed from. One small object
 * per queue, updated in place by each sample, so sampling 100,000 queues allocates next to nothing.
 */
public final class QueueRates {
    public static final int PUBLISH = 0;
    public static final int DELIVER = 1;
    public static final int GET = 2;
    public static final int DELIVER_GET = 3;
    public static final int ACK = 4;
    public static final int REDELIVER = 5;
    public static final int MESSAGES = 6;
    public static final int MESSAGES_READY = 7;
    public static final int MESSAGES_UNACKNOWLEDGED = 8;
    private static final int COUNT = 9;
    /** What a queue never sampled shows: all zero. */
    static final QueueRates NONE = new QueueRates();

    private final long[] previous = new long[COUNT];
    private final float[] rates = new float[COUNT];
    private boolean sampled;
    long generation;
    boolean local = true;

    /** The rate of one of the constants above. */
    public double rate(int what) {
        return rates[what];
    }

    void add(QueueRates other) {
        for (int i = 0; i < COUNT; i++) {
            rates[i] += other.rates[i];
        }
    }

    void update(QueueView q, double seconds) {
        long[] now = {q.published(), q.delivered(), q.got(), q.delivered() + q.got(), q.acked(), q.redelivered(),
            q.messages(), q.ready(), q.unacked()};
        for (int i = 0; i < COUNT; i++) {
            double r = sampled && seconds > 0 ? (now[i] - previous[i]) / seconds : 0;
            // depths may fall; totals never do (a deleted and redeclared queue starts again from 0)
            rates[i] = (float) (i < MESSAGES && r < 0 ? 0 : r);
            previous[i] = now[i];
        }
        sampled = true;
    }
}
