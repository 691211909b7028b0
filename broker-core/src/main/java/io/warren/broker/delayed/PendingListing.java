package io.warren.broker.delayed;

import io.warren.broker.message.Message;
import io.warren.broker.queue.MessageRecord;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The soonest messages a delayed exchange holds: those in memory first, then the buckets in time order (skipping
 * any that start after the latest found), and the far log if it may hold sooner ones. Keeps only the best
 * {@code limit}, so listing a few of millions costs reading, not memory. Runs on the exchange's loop.
 */
final class PendingListing {
    private final int limit;
    private final MessageRecord.NameCache names;
    private final long bucketMs;
    // the latest-due one on top, so that a sooner one can replace it
    private final PriorityQueue<PendingMessage> found =
            new PriorityQueue<>(Comparator.comparingLong(PendingMessage::dueAtMillis).reversed());

    PendingListing(int limit, MessageRecord.NameCache names, long bucketMs) {
        this.limit = limit;
        this.names = names;
        this.bucketMs = bucketMs;
    }

    List<PendingMessage> list(Collection<HeldMessage> inMemory, Collection<Bucket> buckets, long farSoonest)
            throws IOException {
        if (limit <= 0) {
            return List.of();
        }
        for (HeldMessage h : inMemory) {
            offer(h.due, h.message);
        }
        for (Bucket b : buckets) {
            if (b.isFar()) {
                if (!isFull() || farSoonest < found.peek().dueAtMillis()) {
                    readAll(b.log, 0);
                }
            } else if (isFull() && b.start(bucketMs) > found.peek().dueAtMillis()) {
                continue; // everything in it is due later than all found
            } else if (!b.loaded) {
                readAll(b.log, b.readFrom);
            }
        }
        List<PendingMessage> out = new ArrayList<>(found);
        out.sort(Comparator.comparingLong(PendingMessage::dueAtMillis));
        return out;
    }

    private boolean isFull() {
        return found.size() >= limit;
    }

    private void offer(long due, Message m) {
        if (isFull()) {
            if (found.peek().dueAtMillis() <= due) {
                return;
            }
            found.poll();
        }
        found.add(new PendingMessage(due, m.routingKey(), m.bodySize(), m.properties()));
    }

    private void readAll(QueueLog log, long fromSeq) throws IOException {
        long[] from = {fromSeq};
        int n;
        do {
            n = log.read(from[0], 4_096, 4L << 20, (seq, persistent, delivered, payload) -> {
                from[0] = seq + 1;
                long due = payload.getLong();
                Message m = MessageRecord.decode(payload, names);
                try {
                    offer(due, m);
                } finally {
                    m.release();
                }
            });
        } while (n > 0);
    }
}
