package io.warren.broker.queue.classic;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** x-expires: a queue nobody uses (no consumers, not declared again or got from) goes away. Owned by its loop. */
final class UnusedQueueTimer {
    private final EventExecutor loop;
    private final LongSupplier expires;
    private final BooleanSupplier inUse;
    private final Runnable expire;
    private ScheduledFuture<?> timer;
    private long lastUsedMillis = System.currentTimeMillis();

    /** expires: the x-expires in force (negative for none); inUse: true while the queue must stay regardless. */
    UnusedQueueTimer(EventExecutor loop, LongSupplier expires, BooleanSupplier inUse, Runnable expire) {
        this.loop = loop;
        this.expires = expires;
        this.inUse = inUse;
        this.expire = expire;
    }

    /** The queue is used: its countdown starts again. */
    void touch() {
        lastUsedMillis = System.currentTimeMillis();
        schedule();
    }

    /** Sets the timer for the time left (the setting or the consumers may have changed). */
    void schedule() {
        cancel();
        long ms = expires.getAsLong();
        if (ms < 0 || inUse.getAsBoolean()) {
            return;
        }
        long delay = Math.max(0, lastUsedMillis + ms - System.currentTimeMillis());
        timer = loop.schedule(() -> {
            timer = null;
            if (inUse.getAsBoolean()) {
                return;
            }
            if (System.currentTimeMillis() - lastUsedMillis >= expires.getAsLong()) {
                expire.run();
            } else {
                schedule();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
