package io.warren.cluster.quorum.front;

import io.warren.broker.queue.QueueWork;
import io.warren.cluster.quorum.state.Effect;

/** A batch's confirm: its barriers are released once the shard answered every message of it. */
final class PublishConfirm {
    private final QueueWork work;
    private final java.util.concurrent.atomic.AtomicInteger left;
    private volatile Throwable failure;

    PublishConfirm(QueueWork work, int count) {
        this.work = work;
        this.left = new java.util.concurrent.atomic.AtomicInteger(count);
    }

    ShardClient.Answer of(int index) {
        return (effect, reply, failed) -> {
            if (failed != null) {
                failure = failed;
            } else if (effect instanceof Effect.EnqueueRefused) {
                work.refuse(index); // x-overflow reject-publish (or the queue is gone): a nack
            } else if (!(effect instanceof Effect.Enqueued) && !(effect instanceof Effect.EnqueueDuplicate)) {
                failure = new IllegalStateException("the shard's reply did not answer the message");
            }
            if (left.decrementAndGet() == 0) {
                done();
            }
        };
    }

    private void done() {
        Throwable f = failure;
        java.io.IOException cause = f == null ? null : f instanceof java.io.IOException io ? io
                : new java.io.IOException(f.getMessage(), f);
        for (int i = 0; i < work.barrierCount(); i++) {
            if (cause == null) {
                work.barrier(i).release(work.holds(i));
            } else {
                work.barrier(i).fail(work.holds(i), cause);
            }
        }
    }
}
