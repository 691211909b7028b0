package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.MessageRecord;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueWork;
import io.warren.routing.DeduplicationKey;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue-level deduplication, as the rabbitmq-message-deduplication plugin does it for a queue declared with
 * {@code x-message-deduplication: true}: a message whose {@code x-deduplication-header} value equals that of a
 * message still in the queue (ready or delivered but not yet acknowledged) is not enqueued, and a confirming
 * publisher gets a basic.nack for it, as RabbitMQ answers a queue that reports a duplicate.
 *
 * <p>A value leaves the set when its message leaves the queue: acked or rejected, delivered with no-ack,
 * taken by basic.get without ack, purged (the plugin then forgets every value, unacknowledged ones included,
 * and so does this) or, later, dead-lettered, expired or dropped by a length limit. Every such path must call
 * {@link #forget(QueueEntry)}. Values are kept by the message's sequence number in the queue, not read from the
 * message when it leaves, because by then the channel may have released the message's buffers.
 *
 * <p>Owned by the queue's loop, like the rest of the queue. A durable queue's set is rebuilt from its log when
 * it is opened after a restart (unlike the plugin, whose cache starts empty): that reads every live record once,
 * so a deduplicating queue with a long backlog takes that much longer to come up.
 */
public final class QueueDeduplication {
    private static final Logger LOG = LoggerFactory.getLogger(QueueDeduplication.class);

    /** The queue argument that turns deduplication on. */
    public static final String ARGUMENT = "x-message-deduplication";

    private final HashSet<Object> values = new HashSet<>();
    private final HashMap<Long, Object> valueBySequence = new HashMap<>();

    /** Deduplication for a queue with these arguments, or null when they do not ask for it. */
    static QueueDeduplication forArguments(Map<String, Object> arguments) {
        Object on = arguments == null ? null : arguments.get(ARGUMENT);
        boolean enabled = on instanceof Boolean b ? b : on instanceof CharSequence s && "true".contentEquals(s);
        return enabled ? new QueueDeduplication() : null;
    }

    /** As {@link #forArguments}, knowing the values of the messages the queue's backlog recovered from its logs. */
    static QueueDeduplication forArguments(Map<String, Object> arguments, Backlog recovered, String owner) {
        QueueDeduplication dedup = forArguments(arguments);
        if (dedup != null) {
            for (QueueLog log : recovered.recoveredLogs()) {
                dedup.recover(log, owner);
            }
        }
        return dedup;
    }

    /**
     * Takes message i of a batch about to be enqueued at sequence seq: true when it is a duplicate, which this
     * then drops (releasing the queue's reference) and nacks to a confirming publisher; false when the caller
     * enqueues it (its value, if any, now counts as in the queue).
     */
    boolean dropsDuplicate(QueueWork work, int i, Message m, long seq) {
        if (!m.hasHeaders()) {
            return false;
        }
        Object value = DeduplicationKey.of(m.properties().headers());
        if (value == null) {
            return false;
        }
        if (values.add(value)) {
            valueBySequence.put(seq, value);
            return false;
        }
        work.refuse(i);
        m.release();
        return true;
    }

    /** The entry has left the queue for good: its value may be enqueued again. On the queue's loop. */
    public void forget(QueueEntry e) {
        if (!valueBySequence.isEmpty()) {
            Object value = valueBySequence.remove(e.sequence());
            if (value != null) {
                values.remove(value);
            }
        }
    }

    /** Every one of the entries has left the queue. */
    public void forget(List<QueueEntry> entries) {
        for (int i = 0, n = entries.size(); i < n; i++) {
            forget(entries.get(i));
        }
    }

    /** Forgets every value: the queue was purged or deleted. */
    void clear() {
        values.clear();
        valueBySequence.clear();
    }

    /** How many values are in the queue now. */
    int size() {
        return values.size();
    }

    /**
     * Learns the values of the messages a durable queue's log holds as it is opened, before the queue runs; its
     * backlog then reads the log from the start again as usual.
     */
    void recover(QueueLog log, String owner) {
        try {
            log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, (seq, persistent, delivered, payload) -> {
                Object value = DeduplicationKey.of(MessageRecord.headers(payload));
                if (value != null && values.add(value)) {
                    valueBySequence.put(seq, value);
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot read its log to recover the deduplication values of its messages; duplicates of "
                    + "messages it held before the restart are not recognised", owner, e);
        }
    }
}
