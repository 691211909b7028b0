package io.warren.broker.queue;

import java.util.concurrent.atomic.AtomicInteger;

/** A prefetch window: how many messages may be outstanding at once; 0 means unlimited. Lock-free. */
public final class Credit {
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile int limit;

    public Credit(int limit) {
        this.limit = limit;
    }

    public void setLimit(int limit) {
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    /** Takes one unit if the window allows it. */
    public boolean tryTake() {
        while (true) {
            int current = outstanding.get();
            int max = limit;
            if (max > 0 && current >= max) {
                return false;
            }
            if (outstanding.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void giveBack(int n) {
        // deliveries made before a limit was set took nothing: their settlement must not raise the window
        while (true) {
            int current = outstanding.get();
            if (outstanding.compareAndSet(current, Math.max(0, current - n))) {
                return;
            }
        }
    }

    public int outstanding() {
        return outstanding.get();
    }

    /** True when one more unit would fit (always, without a limit); takes nothing. */
    public boolean hasRoom() {
        int max = limit;
        return max <= 0 || outstanding.get() < max;
    }

    /** Starts counting afresh from this many outstanding units (a limit set on a window that had none). */
    public void reset(int units) {
        outstanding.set(units);
    }
}
