package io.warren.broker.queue.stream;

import io.warren.broker.message.Message;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.StreamConsumerStatus;
import io.warren.store.stream.StreamLog;
import io.warren.store.stream.StreamReader;
import io.warren.store.stream.StreamRecord;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a stream: its own reader (whose buffer is bounded, so a slow consumer holds no more memory than
 * that), its filter and, when its offset is tracked, what it has settled. It reads only while it has credit, so it
 * neither slows the others nor piles messages up. On the stream's loop.
 */
final class StreamSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSubscription.class);

    private final QueueConsumer consumer;
    private final StreamOffsetSpec start;
    private final StreamFilter filter;
    private final ConsumerGroup group; // null when it reads on its own
    private final String trackingKey; // null when the offset is not tracked
    private StreamReader reader; // opened when it starts receiving
    private AckedOffsets acked; // null when the offset is not tracked
    private long stored;
    // read, matched or not yet judged, and waiting for credit or for its fsync
    private StreamRecord pending;
    private boolean gone;
    // published for the admin API and the metrics (read on other threads): one write per delivery batch
    private volatile long nextOffset = -1;
    private volatile long lastDelivered = -1;
    private volatile long storedOffset = -1;

    StreamSubscription(QueueConsumer consumer, StreamOffsetSpec start, StreamFilter filter, ConsumerGroup group,
                       String trackingKey) {
        this.consumer = consumer;
        this.start = start;
        this.filter = filter;
        this.group = group;
        this.trackingKey = trackingKey;
    }

    /**
     * Opens its reader where it starts, unless it has one: a consumer on its own at once, one in a group when it
     * becomes the group's active consumer, so that it resumes where the last active one stopped.
     */
    void open(StreamLog log) {
        if (reader != null || gone) {
            return;
        }
        reader = log.reader(startOffset(log, start, trackingKey));
        stored = reader.position();
        acked = trackingKey == null ? null : new AckedOffsets(reader.position());
        nextOffset = reader.position();
        if (acked != null) {
            storedOffset = stored;
        }
    }

    /** Where it is, for the admin API and the metrics; any thread. */
    StreamConsumerStatus status(long first, long last) {
        long offset = nextOffset;
        String g = group == null ? null : group.name();
        return new StreamConsumerStatus(consumer.tag(), offset, lastDelivered, storedOffset, g,
                StreamConsumerStatus.lag(offset, first, last));
    }

    /** Its group, or null when it reads on its own. */
    ConsumerGroup group() {
        return group;
    }

    /**
     * Where a new consumer starts: where its tracked offset was stored, else its x-stream-offset resolved against
     * the log.
     */
    static long startOffset(StreamLog log, StreamOffsetSpec spec, String trackingKey) {
        if (trackingKey != null) {
            var stored = log.tracking().get(trackingKey);
            if (stored.isPresent()) {
                return stored.getAsLong();
            }
        }
        return spec.resolve(new LogPositions(log));
    }

    QueueConsumer consumer() {
        return consumer;
    }

    /**
     * Hands the consumer what it has credit for, below limit (the offsets that are fsynced); returns how many.
     * The entries are gathered in out; each one owned by a tracked consumer is remembered by owners.
     */
    int deliver(long limit, StreamMessages messages, List<QueueEntry> out, Map<QueueEntry, StreamSubscription> owners)
            throws IOException {
        if (gone || reader == null || !consumer.isActive()) {
            return 0;
        }
        int n = 0;
        long handed = -1;
        while (true) {
            StreamRecord r = pending;
            pending = null;
            if (r == null) {
                if (reader.position() >= limit || (r = reader.next()) == null) {
                    break;
                }
            }
            if (r.offset() >= limit) {
                pending = r; // written, not yet fsynced: nobody sees what a crash could lose
                break;
            }
            Message m = messages.decode(r.header(), r.body());
            if (filter != StreamFilter.NONE && !filter.matches(new LinkedHashSet<>(r.filterValues()),
                    m.hasHeaders() ? m.properties().headers() : null)) {
                m.release();
                continue;
            }
            if (!consumer.tryReserveOrMarkStarved()) {
                m.release();
                pending = r; // read again once credit comes back
                break;
            }
            QueueEntry e = new QueueEntry(StreamMessages.withOffset(m, r.offset()), r.offset(), false, true,
                    QueueEntry.NEVER);
            if (acked != null) {
                acked.delivered(r.offset(), r.offset()); // one delivery per offset and consumer: the offset is the tag
                owners.put(e, this);
            }
            out.add(e);
            n++;
            handed = r.offset();
        }
        if (handed >= 0) {
            lastDelivered = handed;
        }
        StreamRecord waiting = pending;
        nextOffset = waiting != null ? waiting.offset() : reader.position();
        return n;
    }

    /** The consumer acked (or rejected without requeue) the delivery at this offset. */
    void settled(long offset) {
        if (acked != null && !gone) {
            acked.settle(offset, false);
        }
    }

    /**
     * The consumer nacked with requeue, or the delivery never reached it: a stream delivers nothing again (as
     * RabbitMQ's), but a tracked offset stays before it, so the consumer gets it again when it comes back.
     */
    void returned(long offset) {
        if (acked != null && !gone) {
            acked.requeue(offset, false);
        }
    }

    /** Stores the tracked offset if it moved; true when it did (the caller flushes the tracking file). */
    boolean storeOffset(StreamLog log) {
        if (acked == null) {
            return false;
        }
        long safe = acked.safeOffset();
        if (safe == stored) {
            return false;
        }
        try {
            log.tracking().store(trackingKey, safe);
            stored = safe;
            storedOffset = safe;
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot store the offset {} of stream consumer '{}': {}", safe, trackingKey, e.toString());
            return false;
        }
    }

    /** The consumer went away: its offset is stored one last time and its reader closed. */
    void close(StreamLog log) {
        if (gone) {
            return;
        }
        storeOffset(log);
        gone = true;
        pending = null;
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (IOException e) {
            LOG.debug("closing the reader of stream consumer '{}': {}", consumer.tag(), e.toString());
        }
    }
}
