package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's delivery acknowledgement timeout, as RabbitMQ's channel has it: checked periodically, the channel's
 * oldest unacknowledged delivery (consumer or basic.get) must not be older than the timeout of its queue, which is
 * the queue's x-consumer-timeout and policy consumer-timeout (the lower of the two, see EffectiveArguments), else
 * the broker-wide one. Otherwise the channel is closed with 406, which requeues its unacknowledged deliveries.
 *
 * <p>Nothing happens per delivery: no clock is read and nothing is stored. Each check notes the last delivery tag
 * handed out so far and the time; a delivery was made no later than the first note whose tag reaches its own, so
 * it is found overdue at most about two check intervals after its timeout, and never before. Channel thread only.
 */
final class AckTimeout {
    /** The queue argument; a policy's consumer-timeout arrives under this name in the queue's effective arguments. */
    static final String ARGUMENT = "x-consumer-timeout";
    private static final Logger LOG = LoggerFactory.getLogger(AckTimeout.class);

    // a channel holding a delivery whose queue has no timeout notes once per check: past this many, notes are thinned
    // (a dropped note only makes later deliveries seem younger, never older)
    private static final int MAX_NOTES = 1024;

    /** Every delivery tag up to this one was handed out at or before this time (System.nanoTime). */
    private record Note(long lastTag, long at) {
    }

    private final ArrayDeque<Note> notes = new ArrayDeque<>();
    private final long brokerTimeoutMillis;

    AckTimeout(ConsumerTimeoutSettings settings) {
        this.brokerTimeoutMillis = settings.timeoutMillis();
    }

    /** The channel error when the oldest unacknowledged delivery is overdue, else null; notes the deliveries since. */
    AmqpException check(UnackedDeliveries unacked, long nowNanos, int channel) {
        UnackedDeliveries.Delivery oldest = unacked.oldest();
        if (oldest == null) {
            notes.clear(); // what is handed out next has a higher tag than any note would say
            return null;
        }
        while (!notes.isEmpty() && notes.peekFirst().lastTag() < oldest.tag()) {
            notes.pollFirst(); // about deliveries settled since
        }
        Note first = notes.peekFirst();
        long timeout = timeoutFor(oldest.queue());
        if (first != null && timeout >= 0 && nowNanos - first.at() > TimeUnit.MILLISECONDS.toNanos(timeout)) {
            // as RabbitMQ's log line: which consumer (or basic.get), queue and delivery
            LOG.warn("{} on channel {} and queue '{}' in vhost '{}' has timed out waiting for an acknowledgement of "
                    + "the delivery with delivery tag {}; timeout used: {} ms", oldest.consumer() == null ? "basic.get"
                    : "consumer '" + oldest.consumer().tag() + "'", channel, oldest.queue().name(),
                    oldest.queue().vhost(), oldest.tag(), timeout);
            return AmqpException.channel(PRECONDITION_FAILED, "delivery acknowledgement on channel %d timed out. "
                    + "Timeout value used: %d ms. This timeout value can be configured, see consumers doc guide to "
                    + "learn more", channel, timeout);
        }
        long lastTag = unacked.lastTag();
        if (notes.isEmpty() || notes.peekLast().lastTag() < lastTag) {
            notes.addLast(new Note(lastTag, nowNanos));
            if (notes.size() > MAX_NOTES) {
                Iterator<Note> it = notes.iterator();
                it.next();
                it.next();
                it.remove();
            }
        }
        return null;
    }

    /** The queue's own timeout (argument or policy), else the broker's; negative for none. */
    private long timeoutFor(AmqpQueue q) {
        Object own = q.effectiveArguments().get(ARGUMENT);
        if (own instanceof Number n && !(own instanceof Float || own instanceof Double)) {
            return n.longValue();
        }
        return brokerTimeoutMillis;
    }
}
