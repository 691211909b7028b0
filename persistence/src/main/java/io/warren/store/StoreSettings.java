package io.warren.store;

/**
 * How the message store trades latency for throughput and how it lays out files.
 *
 * @param segmentBytes       a segment file rolls over once it holds this many bytes
 * @param syncIntervalMicros a group commit waits up to this long for more appends before its fsync (0 = fsync as
 *                           soon as the previous fsync is done; appends arriving meanwhile share the next one)
 * @param syncBytes          a group commit starts at once when this many unsynced bytes have gathered
 * @param compactBelow       a sealed segment whose live records are fewer than this fraction of its records is
 *                           rewritten with only the live ones
 */
public record StoreSettings(long segmentBytes, long syncIntervalMicros, long syncBytes, double compactBelow) {

    public static StoreSettings defaults() {
        return new StoreSettings(16L * 1024 * 1024, 0, 4L * 1024 * 1024, 0.1);
    }
}
