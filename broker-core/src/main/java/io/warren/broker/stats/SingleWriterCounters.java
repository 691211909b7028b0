package io.warren.broker.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A few monotonic totals that one thread writes and any thread reads, for statistics. The writer needs no lock
 * and no atomic read-modify-write: it reads its own plain value and publishes the sum with a release store (a
 * lazySet), which costs about as much as a plain store; readers see a recent value.
 */
public final class SingleWriterCounters {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;

    public SingleWriterCounters(int size) {
        this.values = new long[size];
    }

    /** Adds to one total; only ever called by the owning thread. */
    public void add(int index, long delta) {
        SLOT.setRelease(values, index, values[index] + delta);
    }

    /** The latest published value of one total; any thread. */
    public long get(int index) {
        return (long) SLOT.getAcquire(values, index);
    }
}
