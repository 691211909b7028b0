package io.warren.broker.alarm;

/**
 * The memory alarm: on while the memory the broker holds is above the high watermark. Checked every second by
 * {@link ResourceAlarms}, which serialises calls.
 */
final class MemoryAlarm {
    /** Checks without a collection, while the alarm is on, before one is requested (see {@link #check()}). */
    static final int IDLE_CHECKS_BEFORE_GC = 10;

    private final JvmMemory memory;
    private volatile MemoryWatermark watermark;
    private volatile long used;
    private volatile long limit;
    private boolean on;
    private long lastCollections = -1;
    private int checksWithoutGc;

    MemoryAlarm(JvmMemory memory, MemoryWatermark watermark) {
        this.memory = memory;
        this.watermark = watermark;
    }

    void setWatermark(MemoryWatermark w) {
        watermark = w;
    }

    MemoryWatermark watermark() {
        return watermark;
    }

    long used() {
        return used;
    }

    long limit() {
        return limit;
    }

    /** Measures; returns whether the alarm is on. */
    boolean check() {
        limit = watermark.limit(memory.budget());
        used = memory.used();
        on = used > limit;
        nudgeCollector();
        return on;
    }

    /**
     * The measure only moves when a collection runs. A broker blocked by this alarm whose queues have since been
     * drained allocates little, so no collection may come to show that memory is free again and the alarm would
     * stay on for good; after ten quiet seconds with the alarm on, ask for one. It costs a pause, but only while
     * publishers are blocked anyway and the broker is otherwise idle.
     */
    private void nudgeCollector() {
        long collections = memory.collections();
        if (!on || collections != lastCollections) {
            checksWithoutGc = 0;
        } else if (++checksWithoutGc >= IDLE_CHECKS_BEFORE_GC) {
            checksWithoutGc = 0;
            System.gc();
        }
        lastCollections = collections;
    }
}
