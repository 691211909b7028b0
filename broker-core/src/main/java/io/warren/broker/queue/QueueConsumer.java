package io.warren.broker.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** One basic.consume subscription: a queue pushes to it while its credit (prefetch) allows. */
public final class QueueConsumer {
    /** Without a prefetch limit, at most this many messages travel between queue and socket at once. */
    static final int UNLIMITED_IN_FLIGHT = 2048;

    private final String tag;
    private final AmqpQueue queue;
    private final DeliveryTarget target;
    private final boolean noAck;
    private final boolean exclusive;
    private final Map<String, Object> arguments;
    private final Credit credit;
    private final ChannelShare channelShare;
    private final AtomicBoolean starved = new AtomicBoolean();
    private final boolean creditOnAck;
    private final int priority;
    private boolean active;
    // queue thread: the reservation just made took a slot of the channel's window
    private boolean reservedChannelSlot;
    // set by the channel when it lets go, before its unacked messages go back: the queue then skips this consumer
    private volatile boolean cancelled;
    // single active consumer: set by the queue, read by the management API on other threads
    private volatile boolean waiting = true;
    private List<QueueEntry> batch;

    public QueueConsumer(String tag, AmqpQueue queue, DeliveryTarget target, boolean noAck, boolean exclusive,
                         Map<String, Object> arguments, int prefetch, Credit channelWindow) {
        this.tag = tag;
        this.queue = queue;
        this.target = target;
        this.noAck = noAck;
        this.exclusive = exclusive;
        this.arguments = arguments;
        this.priority = DeliveryOrderArguments.consumerPriority(arguments);
        // no-ack and unlimited consumers are bounded by what is in flight to the socket instead
        this.creditOnAck = !noAck && prefetch > 0;
        this.credit = new Credit(creditOnAck ? prefetch : UNLIMITED_IN_FLIGHT);
        // no-ack consumers too: RabbitMQ holds them back while the channel's window is full
        this.channelShare = new ChannelShare(channelWindow, noAck);
    }

    public String tag() {
        return tag;
    }

    public AmqpQueue queue() {
        return queue;
    }

    public DeliveryTarget target() {
        return target;
    }

    public boolean noAck() {
        return noAck;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public Map<String, Object> arguments() {
        return arguments;
    }

    /** Its x-priority: higher ones get messages first (see {@link ConsumerSelection}). */
    public int priority() {
        return priority;
    }

    /**
     * The channel is letting go of this consumer: the queue delivers nothing more to it, even before it hears of
     * the cancellation. Any thread.
     */
    public void cancel() {
        cancelled = true;
    }

    /** True once the channel has let go of this consumer ({@link #cancel}). Any thread. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** False while another consumer of a single-active-consumer queue is the one receiving. */
    public boolean isSingleActiveWaiting() {
        return queue.singleActiveConsumer() && waiting;
    }

    /** RabbitMQ's activity_status of a consumer: up, or single_active / waiting on a single-active-consumer queue. */
    public String activityStatus() {
        if (!queue.singleActiveConsumer()) {
            return "up";
        }
        return waiting ? "waiting" : "single_active";
    }

    public void markWaiting(boolean value) {
        waiting = value;
    }

    /** Its prefetch (basic.qos per consumer): unacked messages it may hold; 0 for no limit (and for no-ack). */
    public int prefetch() {
        return creditOnAck ? credit.limit() : 0;
    }

    /** True when credit counts acknowledgements (rather than writes). */
    public boolean creditIsReleasedOnAck() {
        return creditOnAck;
    }

    /** Queue-thread state: whether the consumer takes messages yet (see AmqpQueue.addConsumer). */
    public boolean isActive() {
        return active && !cancelled;
    }

    public void activate() {
        active = true;
    }

    /**
     * Reserves credit for one delivery; when there is none, leaves a mark so that returning credit wakes the
     * queue. The second try closes the race with credit that came back between the first try and the mark.
     */
    public boolean tryReserveOrMarkStarved() {
        if (tryReserve()) {
            return true;
        }
        starved.set(true);
        return tryReserve();
    }

    private boolean tryReserve() {
        if (!target.isWritable()) {
            return false;
        }
        if (!credit.tryTake()) {
            return false;
        }
        boolean limited = channelShare.limited();
        if (limited && !channelShare.take()) {
            credit.giveBack(1);
            return false;
        }
        reservedChannelSlot = limited && !noAck;
        return true;
    }

    /**
     * Queue thread: the reservation {@link ConsumerSelection#next} made goes unused (the message it was for expired or
     * could not be read, and no other was there): the consumer's credit comes back, a slot of the channel's window
     * goes back to the channel to hand on.
     */
    public void unreserve() {
        credit.giveBack(1);
        if (reservedChannelSlot) {
            reservedChannelSlot = false;
            target.channelSlotsUnused(this, 1);
        }
    }

    /**
     * Returns the consumer's own credit for settled (or written) messages; the channel's window is the channel's
     * business. Does not wake the queue: a settlement reaches the queue in its batch task, which delivers again;
     * other callers wake it themselves with {@link #wakeIfStarved}. Called on the consumer's connection thread.
     */
    public void release(int n) {
        if (n > 0) {
            credit.giveBack(n);
        }
    }

    /** The consumer's part in its channel's prefetch window. */
    public ChannelShare channelShare() {
        return channelShare;
    }

    /**
     * Channel thread: gives the consumer, which waits for the channel's window, one slot of it and its turn to
     * deliver; false when it no longer waits.
     */
    public boolean grantChannelSlot() {
        if (!channelShare.grant()) {
            return false;
        }
        queue.execute(this::takeTurn);
        return true;
    }

    // queue thread: delivers what the granted slot allows; a slot left unused goes back to be handed on
    private void takeTurn() {
        queue.drain();
        int unused = channelShare.takeUnused();
        if (unused > 0) {
            target.channelSlotsUnused(this, unused);
        }
    }

    /** Asks the queue to deliver again if it stopped for lack of credit or socket space. */
    public void wakeIfStarved() {
        if (starved.get() && starved.compareAndSet(true, false)) {
            queue.execute(queue::drain);
        }
    }

    public List<QueueEntry> batch() {
        if (batch == null) {
            batch = new ArrayList<>();
        }
        return batch;
    }

    public List<QueueEntry> takeBatch() {
        List<QueueEntry> b = batch;
        batch = null;
        return b;
    }
}
