package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A channel's deliveries awaiting ack, in delivery-tag order. */
final class UnackedDeliveries {
    /** One delivery awaiting settlement; consumer is null for basic.get. */
    record Delivery(long tag, QueueEntry entry, AmqpQueue queue, QueueConsumer consumer) {
    }

    private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
    private long lastTag;

    long nextTag() {
        return ++lastTag;
    }

    /** The last delivery tag handed out (0 before the first). */
    long lastTag() {
        return lastTag;
    }

    void add(Delivery d) {
        deliveries.add(d);
    }

    int size() {
        return deliveries.size();
    }

    /** The unsettled delivery with the lowest tag (the one made first), or null when none is. */
    Delivery oldest() {
        return deliveries.peekFirst();
    }

    /**
     * Removes and returns the deliveries a settle method names: one tag, or with multiple every tag up to it
     * (tag 0 with multiple means all). An unknown tag is a channel error, as in RabbitMQ.
     */
    List<Delivery> take(long tag, boolean multiple) {
        if (multiple) {
            List<Delivery> out = new ArrayList<>();
            if (tag == 0) {
                out.addAll(deliveries);
                deliveries.clear();
                return out;
            }
            if (tag > lastTag) {
                throw unknown(tag);
            }
            Delivery d;
            while ((d = deliveries.peekFirst()) != null && d.tag() <= tag) {
                out.add(deliveries.pollFirst());
            }
            if (out.isEmpty()) {
                throw unknown(tag);
            }
            return out;
        }
        Delivery head = deliveries.peekFirst();
        if (head != null && head.tag() == tag) {
            deliveries.pollFirst();
            return List.of(head);
        }
        // out-of-order acks are rare; a scan of the prefetch window is cheap
        for (Iterator<Delivery> it = deliveries.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            if (d.tag() == tag) {
                it.remove();
                return List.of(d);
            }
            if (d.tag() > tag) {
                break;
            }
        }
        throw unknown(tag);
    }

    /** Puts back deliveries taken earlier (a rolled-back transaction), keeping delivery-tag order. */
    void restore(List<Delivery> taken) {
        if (taken.isEmpty()) {
            return;
        }
        List<Delivery> all = new ArrayList<>(deliveries);
        all.addAll(taken);
        all.sort(java.util.Comparator.comparingLong(Delivery::tag));
        deliveries.clear();
        deliveries.addAll(all);
    }

    List<Delivery> takeAll() {
        List<Delivery> out = new ArrayList<>(deliveries);
        deliveries.clear();
        return out;
    }

    private static AmqpException unknown(long tag) {
        return AmqpException.channel(PRECONDITION_FAILED, "unknown delivery tag %d", tag);
    }
}
