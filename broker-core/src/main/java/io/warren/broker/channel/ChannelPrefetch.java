package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.NOT_IMPLEMENTED;

import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.Credit;
import io.warren.broker.queue.QueueConsumer;
import io.warren.codec.methods.Basic;

/**
 * A channel's basic.qos, as RabbitMQ 3.10 has it. With global=false the count is the prefetch of each consumer started
 * from then on; with global=true it is one window for the whole channel, shared by all its consumers (see
 * io.warren.broker.queue.ChannelShare). A window set on a channel that had none starts from the deliveries unacked at
 * that moment (basic.get ones too, as RabbitMQ counts them); changing it keeps the count. Slots that settlements free
 * are handed out once per read batch, to the waiting consumers in turn. Channel thread only.
 */
final class ChannelPrefetch {
    private final Credit window;
    private final ChannelConsumers consumers;
    private final UnackedDeliveries unacked;
    private int consumerPrefetch;
    // slots freed by settlements in this batch, still counted in the window until they are handed out
    private int freed;
    // deliveries up to this tag were counted when the window was set
    private long countedUpTo;

    ChannelPrefetch(Credit window, ChannelConsumers consumers, UnackedDeliveries unacked) {
        this.window = window;
        this.consumers = consumers;
        this.unacked = unacked;
    }

    /** The channel-wide window (limit 0: none). */
    Credit window() {
        return window;
    }

    /** The prefetch for consumers started from now on (0: unlimited). */
    int consumerPrefetch() {
        return consumerPrefetch;
    }

    void qos(Basic.Qos q) {
        if (q.prefetchSize() != 0) {
            throw AmqpException.connection(NOT_IMPLEMENTED, "prefetch_size!=0 (%d)", q.prefetchSize());
        }
        int count = q.prefetchCount();
        if (!q.global()) {
            consumerPrefetch = count;
            return;
        }
        if (count > 0 && window.limit() == 0) {
            // nothing was counted while there was no window: start from what is unacked now
            window.reset(unacked.size());
            countedUpTo = unacked.lastTag();
            freed = 0;
        }
        window.setLimit(count);
    }

    /** A delivery is settled (acked, rejected or requeued): its consumer's credit comes back, its slot is freed. */
    void settled(UnackedDeliveries.Delivery d) {
        releaseConsumerCredit(d);
        freeWindowSlot(d);
    }

    /**
     * The consumer's own credit for a settled delivery. Any thread: a requeue gives it back on the queue's thread,
     * after the message is back in place, so the queue cannot spend it on a later message first.
     */
    static void releaseConsumerCredit(UnackedDeliveries.Delivery d) {
        QueueConsumer c = d.consumer();
        if (c != null && c.creditIsReleasedOnAck()) {
            c.release(1);
        }
    }

    /** The channel window's slot of a settled delivery, handed out at the end of the read batch. */
    void freeWindowSlot(UnackedDeliveries.Delivery d) {
        // a consumer's delivery took a slot; a basic.get one only if it was unacked when the window was set
        if (window.limit() > 0 && (d.consumer() != null || d.tag() <= countedUpTo)) {
            freed++;
        }
    }

    /** End of a read batch: the slots freed go to the consumers waiting for one, in turn. */
    void endOfBatch() {
        if (freed > 0) {
            int n = freed;
            freed = 0;
            consumers.share(n);
        }
    }
}
