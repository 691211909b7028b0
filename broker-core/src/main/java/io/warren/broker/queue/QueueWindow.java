package io.warren.broker.queue;

/**
 * How many ready messages a queue keeps in memory; beyond either limit the rest wait on disk.
 *
 * @param messages most ready messages in memory
 * @param bytes    most ready body bytes in memory
 */
public record QueueWindow(int messages, long bytes) {

    public static QueueWindow defaults() {
        return new QueueWindow(30_000, 64L * 1024 * 1024);
    }

    /** Under memory pressure a queue keeps this share of its window in memory. */
    static final int PRESSURE_DIVISOR = 16;

    boolean isFull(int count, long size, boolean memoryPressure) {
        if (memoryPressure) {
            return count >= messages / PRESSURE_DIVISOR || size >= bytes / PRESSURE_DIVISOR;
        }
        return count >= messages || size >= bytes;
    }
}
