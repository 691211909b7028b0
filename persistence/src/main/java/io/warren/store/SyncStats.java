package io.warren.store;

/**
 * Group commits so far.
 *
 * @param fsyncs          fsync rounds completed
 * @param totalNanos      time spent in them
 * @param maxNanos        the slowest one
 * @param bytesSynced     bytes those rounds made durable
 */
public record SyncStats(long fsyncs, long totalNanos, long maxNanos, long bytesSynced) {
}
