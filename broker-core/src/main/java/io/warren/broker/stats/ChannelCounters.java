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
    public static final int SIZE = 10;

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
}
