package io.warren.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The keys a deduplication exchange has seen: at most a fixed number, the oldest evicted first, each forgotten
 * once its time to live (if any) has passed.
 *
 * <p>Publishers on many threads check it at once; one short lock is the simple correct answer, and only
 * deduplication exchanges pay for it.
 */
final class DeduplicationCache {
    private final LongSupplier clockMillis;
    private final Map<Object, Long> expiries;

    /** capacity is at least 1; clockMillis is a monotonic clock in milliseconds. */
    DeduplicationCache(int capacity, LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.expiries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Records a key for ttlMillis (0: until evicted); returns true, recording nothing, when the key was already
     * there and not expired, that is when the message is a duplicate.
     */
    boolean seen(Object key, long ttlMillis) {
        long now = clockMillis.getAsLong();
        synchronized (expiries) {
            Long expires = expiries.get(key);
            if (expires != null) {
                if (now < expires) {
                    return true;
                }
                expiries.remove(key); // put again below, as the newest
            }
            expiries.put(key, ttlMillis > 0 ? now + ttlMillis : Long.MAX_VALUE);
            return false;
        }
    }

    int size() {
        synchronized (expiries) {
            return expiries.size();
        }
    }
}
