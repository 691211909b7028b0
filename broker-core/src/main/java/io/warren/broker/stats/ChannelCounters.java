package io.warren.broker.stats;

/** Message totals of one channel, written on its connection's thread (see {@link SingleWriterCounters}). */
public final class ChannelCounters {
    public static final int PUBLISHED = 0;
    public static final int CONFIRMED = 1;
    public static final int RETURNED = 2;
    public static final int DELIVERED = 3;
    public static final int DELIVERED_NO_ACK = 4;
    public static final int GOT = 5;
    public static final int GOT_NO_ACK = 6;
    public static final int ACKED = 7;
    public static final int REDELIVERED = 8;
    public static final int REJECTED = 9;
    /** Publishes that reached at least one destination (queue, delayed exchange or direct reply-to). */
    public static final int ROUTED = 10;
    /** Copies put into queues: a message routed to three queues counts three. */
    public static final int ENQUEUED = 11;
    /** Unroutable publishes that were not mandatory, so nobody heard of them. */
    public static final int DROPPED = 12;
    /** basic.get answered with get-empty. */
    public static final int GET_EMPTY = 13;
    /** Publishes in confirm mode acked to the publisher. */
    public static final int CONFIRM_ACKED = 14;
    /** Publishes in confirm mode nacked to the publisher. */
    public static final int CONFIRM_NACKED = 15;
    public static final int SIZE = 16;

    private final SingleWriterCounters counters = new SingleWriterCounters(SIZE);
    private boolean retired;

    public void add(int index, long delta) {
        counters.add(index, delta);
    }

    public long get(int index) {
        return counters.get(index);
    }

    /** Hands this channel's totals to the broker-wide ones when the channel goes; the second call does nothing. */
    public void retireInto(MessageTotals totals) {
        if (!retired) {
            retired = true;
            totals.addRetired(this);
        }
    }

    /** Publishes taken in confirm mode and neither acked nor nacked yet (CONFIRMED counts them when taken). */
    long unconfirmed() {
        return Math.max(0, get(CONFIRMED) - get(CONFIRM_ACKED) - get(CONFIRM_NACKED));
    }
}
