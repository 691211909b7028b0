package io.warren.broker.delayed;

import io.warren.broker.queue.PublishBarrier;
import io.warren.store.QueueLog;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages due in one time slot, in a log of their own: read into memory shortly before the slot starts,
 * deleted once all of them have fired. The far bucket holds everything due beyond the near horizon.
 */
final class Bucket {
    /** The key of the far bucket; others are their start time divided by the bucket width. */
    static final long FAR = Long.MAX_VALUE;

    final long key;
    final String logName;
    final QueueLog log;
    /** Records in the log not yet acked (fired, moved, dropped). */
    long pending;
    /** Every record has been read into memory; new messages go to memory directly (and to the log if persistent). */
    boolean loaded;
    /** Where the next chunk of the load starts. */
    long readFrom;
    /** Confirm barriers waiting for this log's next fsync. */
    final List<PublishBarrier> waiting = new ArrayList<>();
    boolean touched;
    /** Each log numbers its own records densely, which keeps its per-segment bitmaps small. */
    long nextSeq;
    boolean acksToWrite;

    Bucket(long key, String logName, QueueLog log) {
        this.key = key;
        this.logName = logName;
        this.log = log;
        this.nextSeq = log.lastSeq() + 1;
    }

    boolean isFar() {
        return key == FAR;
    }

    long start(long width) {
        return key * width;
    }
}
