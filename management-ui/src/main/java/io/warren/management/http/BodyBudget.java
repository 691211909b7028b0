package io.warren.management.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The body bytes that requests on all HTTP connections together may have buffered at once. Bodies are buffered whole
 * before a handler runs (and copied, and parsed), so without a bound a few authenticated uploads could raise the
 * memory alarm and block every publisher.
 */
final class BodyBudget {
    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Reserves bytes for one body; false when that would go past the budget. One body larger than it may run alone. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = reserved.get();
            if (now != 0 && now + bytes > capacity) {
                return false;
            }
            if (reserved.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    long reserved() {
        return reserved.get();
    }
}
