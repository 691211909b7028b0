package io.warren.broker.queue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One channel batch of confirmable publishes, waiting until every queue that logged a persistent message of it
 * has fsynced that message. The channel holds it open while the batch is routed; each queue releases what it
 * logged once its fsync is done, on whichever thread that happens.
 */
public final class PublishBarrier {
    private final AtomicInteger pending = new AtomicInteger(1);
    private final Consumer<PublishBarrier> onComplete;
    private volatile IOException failure;
    // confirm tags of messages a full queue refused (rare): nacked one by one
    private List<Long> refused;

    /** onComplete runs once, on the thread that releases the last hold; it should only hand work over. */
    public PublishBarrier(Consumer<PublishBarrier> onComplete) {
        this.onComplete = onComplete;
    }

    /** One more message that must reach disk; called while routing, before the channel's own hold ends. */
    public void expect() {
        pending.incrementAndGet();
    }

    /** Releases holds: the channel's own (1) at the end of its batch, or a queue's once its fsync is done. */
    public void release(int holds) {
        if (pending.addAndGet(-holds) == 0) {
            onComplete.accept(this);
        }
    }

    /** Releases holds for messages that could not be made durable: the whole batch is nacked. */
    public void fail(int holds, IOException cause) {
        failure = cause;
        release(holds);
    }

    /** A queue refused the message with this confirm tag (x-overflow reject-publish); before its hold ends. */
    public synchronized void refuse(long tag) {
        if (refused == null) {
            refused = new ArrayList<>();
        }
        refused.add(tag);
    }

    /** Confirm tags of refused messages, sorted; empty when none. Read once the barrier is complete. */
    public synchronized long[] refusedTags() {
        if (refused == null) {
            return NO_TAGS;
        }
        return refused.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    }

    private static final long[] NO_TAGS = new long[0];

    public boolean isComplete() {
        return pending.get() == 0;
    }

    /** Non-null when some message of the batch could not be made durable. */
    public IOException failure() {
        return failure;
    }
}
