package io.warren.broker.queue.classic;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.message.Message;
import io.warren.broker.queue.Expiration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * When a queue's ready messages expire (x-message-ttl, the expiration property), as RabbitMQ does it: a message whose
 * time has come leaves once it is at the head (of any priority level), and a timer looks again when the head's time
 * comes, so that nobody has to consume or poll for it to go. Owned by the queue's thread.
 */
final class QueueExpiry {
    private final Backlog ready;
    private final EventExecutor loop;
    private final Supplier<QueueSettings> settings;
    private final Consumer<List<QueueEntry>> onExpired;
    private final BooleanSupplier gone;
    private final int chunk;
    // some ready message may carry an expiry time
    private boolean expiring;
    private ScheduledFuture<?> timer;
    private long timerAt;

    /**
     * onExpired takes the expired entries over (they leave the queue dead); gone says the queue is deleted or closed;
     * chunk bounds how many expire in one task.
     */
    QueueExpiry(Backlog ready, EventExecutor loop, Supplier<QueueSettings> settings,
                Consumer<List<QueueEntry>> onExpired, BooleanSupplier gone, int chunk) {
        this.ready = ready;
        this.loop = loop;
        this.settings = settings;
        this.onExpired = onExpired;
        this.gone = gone;
        this.chunk = chunk;
    }

    /** True while some ready message may carry an expiry time: only then is the head looked at. */
    boolean active() {
        return expiring;
    }

    /** Some message may expire from now on (a TTL was set, messages were recovered, or one came back). */
    void watch() {
        expiring = true;
    }

    /** When a message published at now expires in this queue: the shorter of the queue's TTL and its own. */
    long expiresAt(Message m, QueueSettings s, long now) {
        long at = s.messageTtl() >= 0 ? now + s.messageTtl() : QueueEntry.NEVER;
        if (m.hasProperty(Message.EXPIRATION_FLAG)) {
            long ttl = Expiration.parse(m.properties().expiration());
            if (ttl >= 0) {
                at = Math.min(at, now + ttl);
            }
        }
        if (at != QueueEntry.NEVER && !expiring) {
            expiring = true;
        }
        return at;
    }

    /** As {@link #expireHead}, at the current time, when some message may expire at all. */
    void expireDue() {
        if (active()) {
            expireHead(System.currentTimeMillis());
        }
    }

    /** Messages at the head whose time has come (at or before now) leave the queue; the timer is set for the next. */
    void expireHead(long now) {
        List<QueueEntry> expired = null;
        QueueEntry e;
        while ((e = ready.pollExpired(now)) != null) {
            if (expired == null) {
                expired = new ArrayList<>();
            }
            expired.add(e);
            if (expired.size() == chunk) {
                // a long backlog expiring at once (after a restart, say) goes in bounded steps
                loop.execute(() -> {
                    if (!gone.getAsBoolean()) {
                        expireHead(now);
                    }
                });
                break;
            }
        }
        if (expired != null) {
            onExpired.accept(expired);
        }
        long next = ready.nextExpiry();
        if (next == QueueEntry.NEVER) {
            expiring = settings.get().messageTtl() >= 0 || !ready.isEmpty();
        } else {
            schedule(next);
        }
    }

    private void schedule(long at) {
        if (timer != null) {
            if (timerAt <= at) {
                return;
            }
            timer.cancel(false);
        }
        timerAt = at;
        // a message expires once its time has come: look 1 ms after it, so the clock has surely reached it
        timer = loop.schedule(() -> {
            timer = null;
            if (!gone.getAsBoolean()) {
                expireHead(System.currentTimeMillis());
            }
        }, Math.max(0, at + 1 - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
