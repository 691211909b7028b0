package io.warren.broker.queue.stream;

import java.util.Map;
import java.util.TreeMap;

/**
 * The offset a tracked stream consumer may store: the lowest offset it has not settled, so everything before it
 * has been acknowledged (or rejected) and nothing unacknowledged is skipped when it resumes there. Acks name
 * delivery tags, not offsets, because a requeued message comes back under a new tag with its old offset; acks may
 * arrive out of order and with multiple=true. One instance per consumer; not thread-safe (the consumer's channel
 * drives it).
 *
 * <p>In RabbitMQ a nack or reject on a stream, requeue or not, only returns credit: the message is not delivered
 * again, so a runtime following it calls {@link #settle} for them. {@link #requeue} is for a runtime that delivers
 * requeued messages again, as LavinMQ does.
 */
public final class AckedOffsets {
    private final TreeMap<Long, Long> outstanding = new TreeMap<>(); // delivery tag -> offset
    private final TreeMap<Long, Integer> delivered = new TreeMap<>(); // offset -> deliveries not yet settled
    private final TreeMap<Long, Integer> requeued = new TreeMap<>(); // offset -> requeues not yet delivered again
    private long next;

    /** Tracking from this offset: the consumer's resolved start. */
    public AckedOffsets(long startOffset) {
        this.next = startOffset;
    }

    /** The message at this offset went out under this delivery tag (again, when it had been requeued). */
    public void delivered(long deliveryTag, long offset) {
        outstanding.put(deliveryTag, offset);
        add(delivered, offset, 1);
        if (requeued.containsKey(offset)) {
            add(requeued, offset, -1);
        }
        next = Math.max(next, offset + 1);
    }

    /**
     * The consumer acked, or rejected without requeue, this delivery tag, or with multiple every outstanding tag up
     * to it (all of them for tag 0). Unknown tags are ignored (the channel has already refused them).
     */
    public void settle(long deliveryTag, boolean multiple) {
        for (long offset : take(deliveryTag, multiple)) {
            add(delivered, offset, -1);
        }
    }

    /**
     * The consumer rejected or nacked this tag (or with multiple every outstanding tag up to it) with requeue: the
     * message stays unsettled until it is delivered again and that delivery is settled.
     */
    public void requeue(long deliveryTag, boolean multiple) {
        for (long offset : take(deliveryTag, multiple)) {
            add(delivered, offset, -1);
            add(requeued, offset, 1);
        }
    }

    /** The offset to store: a consumer resuming there misses nothing it has not settled. */
    public long safeOffset() {
        long safe = next;
        if (!delivered.isEmpty()) {
            safe = Math.min(safe, delivered.firstKey());
        }
        if (!requeued.isEmpty()) {
            safe = Math.min(safe, requeued.firstKey());
        }
        return safe;
    }

    /** How many deliveries await settling. */
    public int outstanding() {
        return outstanding.size();
    }

    private long[] take(long deliveryTag, boolean multiple) {
        if (!multiple) {
            Long offset = outstanding.remove(deliveryTag);
            return offset == null ? new long[0] : new long[] {offset};
        }
        // multiple with tag 0 settles everything outstanding, as basic.ack does
        Map<Long, Long> upTo = deliveryTag == 0 ? outstanding : outstanding.headMap(deliveryTag, true);
        long[] offsets = upTo.values().stream().mapToLong(Long::longValue).toArray();
        upTo.clear();
        return offsets;
    }

    private static void add(TreeMap<Long, Integer> counts, long offset, int delta) {
        int n = counts.getOrDefault(offset, 0) + delta;
        if (n <= 0) {
            counts.remove(offset);
        } else {
            counts.put(offset, n);
        }
    }
}
