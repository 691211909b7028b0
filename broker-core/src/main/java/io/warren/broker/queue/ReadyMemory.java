package io.warren.broker.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The ready messages all queues hold in memory, against one budget: a queue whose messages would take it over
 * the budget keeps new ones on disk. Queues report their changes once per batch, not per message.
 */
public final class ReadyMemory {
    /** Objects and references a ready message costs besides its body. */
    public static final int OVERHEAD_BYTES = 300;

    private final AtomicLong used = new AtomicLong();
    private final long limit;

    public ReadyMemory(long limit) {
        this.limit = limit;
    }

    /** True when a queue holding {@code unreported} bytes more than it reported would go over the budget. */
    public boolean isFull(long unreported) {
        return used.get() + unreported >= limit;
    }

    public void report(long delta) {
        if (delta != 0) {
            used.addAndGet(delta);
        }
    }

    /** Bytes reported in use by all queues. */
    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
