package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.stats.QueueCounters;
import java.util.List;

/**
 * Publishes entering a classic queue: refused when x-overflow reject-publish finds it full, dropped as duplicates
 * (x-message-deduplication), else numbered, given their expiry time and written to the backlog in one batch. On
 * the queue's loop.
 */
final class QueueIntake {
    private final Backlog ready;
    private final QueueDeaths deaths;
    private final QueueDeduplication dedup;
    private final QueueExpiry expiry;
    private final QueueCounters counters;
    private long nextSequence;

    /** dedup may be null; sequence numbers go on from the backlog's (which continues a recovered log's). */
    QueueIntake(Backlog ready, QueueDeaths deaths, QueueDeduplication dedup, QueueExpiry expiry,
                QueueCounters counters) {
        this.ready = ready;
        this.deaths = deaths;
        this.dedup = dedup;
        this.expiry = expiry;
        this.counters = counters;
        this.nextSequence = ready.nextSequence();
    }

    /** Takes a batch's messages (one reference each) under settings s; now: the time their expiry starts from. */
    void accept(List<Message> messages, QueueWork work, QueueSettings s, boolean rejectsPublishes, long now) {
        int accepted = 0;
        for (int i = 0, n = messages.size(); i < n; i++) {
            Message m = messages.get(i);
            if (rejectsPublishes && s.wouldOverflow(ready.size(), ready.bytes(), m.bodySize())) {
                deaths.refuse(m, i, work, s);
                continue;
            }
            if (dedup != null && dedup.dropsDuplicate(work, i, m, nextSequence)) {
                continue;
            }
            ready.add(m, nextSequence++, expiry.expiresAt(m, s, now));
            accepted++;
        }
        ready.endBatch(work);
        counters.add(QueueCounters.PUBLISHED, accepted);
    }
}
