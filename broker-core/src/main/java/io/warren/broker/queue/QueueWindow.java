package io.warren.broker.queue;

/**
 * How many ready messages queues keep in memory; beyond any limit the rest wait on disk.
 *
 * @param messages    most ready messages one queue keeps in memory
 * @param bytes       most ready body bytes one queue keeps in memory
 * @param brokerBytes most ready bytes all queues together keep in memory (bodies plus a per-message overhead)
 */
public record QueueWindow(int messages, long bytes, long brokerBytes) {
    /** Under memory pressure a queue keeps this share of its window in memory. */
    static final int PRESSURE_DIVISOR = 16;

    /** Per-queue limits, and a tenth of what the JVM may hold (heap plus direct memory) for all queues together. */
    public static QueueWindow defaults() {
        long jvm = Runtime.getRuntime().maxMemory() + io.netty.util.internal.PlatformDependent.maxDirectMemory();
        return new QueueWindow(30_000, 64L * 1024 * 1024, jvm / 10);
    }

    public boolean isFull(int count, long size, boolean memoryPressure) {
        if (memoryPressure) {
            return count >= messages / PRESSURE_DIVISOR || size >= bytes / PRESSURE_DIVISOR;
        }
        return count >= messages || size >= bytes;
    }
}
