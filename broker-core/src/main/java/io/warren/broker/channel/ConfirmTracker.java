package io.warren.broker.channel;

import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.stats.ChannelCounters;
import io.warren.codec.methods.Basic;
import io.warren.codec.Method;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Publisher confirms of one channel. Publishes are confirmed per read batch, with one basic.ack covering the
 * batch. A batch that put persistent messages into durable queues waits for their fsync; confirms always go
 * out in order, so an ack with multiple=true never covers a message that is not yet on disk.
 */
final class ConfirmTracker {
    private record Batch(long lastTag, PublishBarrier barrier) {
        boolean ready() {
            return barrier == null || barrier.isComplete();
        }
    }

    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    private boolean enabled;
    private long published;
    private long closed;
    private long confirmed;
    private PublishBarrier current;
    private final ChannelCounters counters;

    ConfirmTracker(ChannelCounters counters) {
        this.counters = counters;
    }

    void enable() {
        enabled = true;
    }

    boolean enabled() {
        return enabled;
    }

    /** Counts a publish; returns its sequence number (0 when confirms are off). */
    long published() {
        return enabled ? ++published : 0;
    }

    /**
     * The barrier of the batch being routed, for a message that must be on disk before it is confirmed; null when
     * confirms are off. onComplete is how a finished barrier gets back to this channel's thread.
     */
    PublishBarrier barrier(Consumer<PublishBarrier> onComplete) {
        if (!enabled) {
            return null;
        }
        if (current == null) {
            current = new PublishBarrier(onComplete);
        }
        return current;
    }

    /** End of a read batch: closes it and sends whatever confirms are due. */
    void endOfBatch(Consumer<Method> send) {
        if (!enabled) {
            return;
        }
        if (published > closed) {
            PublishBarrier b = current;
            current = null;
            closed = published;
            if (b == null && waiting.isEmpty()) {
                send.accept(ack(published));
                return;
            }
            waiting.add(new Batch(published, b));
            if (b != null) {
                b.release(1);
            }
        }
        sendReady(send);
    }

    /** Sends the confirms of the oldest batches whose messages are all on disk (or failed to get there). */
    void sendReady(Consumer<Method> send) {
        long ackUpTo = -1;
        Batch b;
        while ((b = waiting.peekFirst()) != null && b.ready()) {
            waiting.pollFirst();
            long[] refused = b.barrier() == null ? null : b.barrier().refusedTags();
            if (b.barrier() != null && b.barrier().failure() != null) {
                if (ackUpTo >= 0) {
                    send.accept(ack(ackUpTo));
                    ackUpTo = -1;
                }
                send.accept(nack(b.lastTag()));
            } else if (refused != null && refused.length > 0) {
                // a full queue refused some messages: nack exactly those, ack the rest around them
                for (long tag : refused) {
                    if (tag - 1 > confirmed) {
                        send.accept(ack(tag - 1));
                    }
                    send.accept(nack(tag));
                }
                ackUpTo = b.lastTag() > confirmed ? b.lastTag() : -1;
            } else {
                ackUpTo = b.lastTag();
            }
        }
        if (ackUpTo >= 0) {
            send.accept(ack(ackUpTo));
        }
    }

    private Basic.Ack ack(long upTo) {
        Basic.Ack a = new Basic.Ack(upTo, upTo - confirmed > 1);
        counters.add(ChannelCounters.CONFIRM_ACKED, upTo - confirmed);
        confirmed = upTo;
        return a;
    }

    private Basic.Nack nack(long upTo) {
        Basic.Nack n = new Basic.Nack(upTo, upTo - confirmed > 1, false);
        counters.add(ChannelCounters.CONFIRM_NACKED, upTo - confirmed);
        confirmed = upTo;
        return n;
    }
}
