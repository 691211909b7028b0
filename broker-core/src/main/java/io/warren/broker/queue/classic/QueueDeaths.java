package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.DeadLetterer;
import io.warren.broker.queue.DeathReason;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.QueueWork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How messages leave a classic queue dead (expired, rejected, over a length or delivery limit): dead-lettered
 * when the queue has a dead-letter exchange, else dropped; and x-overflow's two ways of staying under the limit.
 * On the queue's loop.
 */
final class QueueDeaths {
    /** Messages that expire or are dropped together at most, so that a long backlog never sits in memory at once. */
    static final int CHUNK = 4096;

    private final Backlog ready;
    private final DeadLetterer deadLetterer;
    private final QueueDeduplication dedup;
    private final BooleanSupplier deleted;

    /** dedup may be null; deleted tells whether the queue is gone (its log then no longer takes acks). */
    QueueDeaths(Backlog ready, DeadLetterer deadLetterer, QueueDeduplication dedup, BooleanSupplier deleted) {
        this.ready = ready;
        this.deadLetterer = deadLetterer;
        this.dedup = dedup;
        this.deleted = deleted;
    }

    /**
     * Entries that leave the queue dead: dead-lettered when the queue has a dead-letter exchange, else dropped.
     * Their log records are acked once any durable copies are safe. Takes over the entries' messages.
     */
    void died(List<QueueEntry> entries, DeathReason reason, QueueSettings s) {
        if (dedup != null) {
            dedup.forget(entries); // gone from the queue now, whenever its log record is acked
        }
        if (!s.deadLetters()) {
            for (QueueEntry e : entries) {
                e.releaseMessage();
            }
            forget(entries);
            return;
        }
        deadLetterer.deadLetter(entries, reason, s, durable -> {
            if (durable) {
                forget(entries);
            }
        });
    }

    /** Acks the entries' log records: they are gone from the queue. */
    void forget(List<QueueEntry> entries) {
        if (!deleted.getAsBoolean()) {
            ready.settled(entries);
            ready.flushQuietly();
        }
    }

    /** x-overflow reject-publish(-dlx): the publisher hears a nack, and -dlx dead-letters the refused message. */
    void refuse(Message m, int index, QueueWork work, QueueSettings s) {
        work.refuse(index);
        if (s.overflow() == QueueSettings.Overflow.REJECT_PUBLISH_DLX && s.deadLetters()) {
            deadLetterer.deadLetter(m, DeathReason.MAXLEN, s);
        } else {
            m.release();
        }
    }

    /**
     * x-overflow drop-head: the oldest messages make room. Drops at most {@link #CHUNK} (a limit lowered under a
     * long backlog drops it in bounded steps, not all in memory at once) and returns true when more may be over.
     */
    boolean dropOverLimit(QueueSettings s) {
        List<QueueEntry> dropped = null;
        boolean more = false;
        while (s.overLength(ready.size(), ready.bytes())) {
            QueueEntry e = ready.poll();
            if (e == null) {
                break;
            }
            if (dropped == null) {
                dropped = new ArrayList<>();
            }
            dropped.add(e);
            if (dropped.size() == CHUNK) {
                more = true;
                break;
            }
        }
        if (dropped != null) {
            died(dropped, DeathReason.MAXLEN, s);
        }
        return more;
    }
}
