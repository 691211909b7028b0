package io.warren.broker.stats;

/** Message totals of one queue, written on the queue's own thread (see {@link SingleWriterCounters}). */
public final class QueueCounters {
    public static final int PUBLISHED = 0;
    public static final int DELIVERED = 1;
    public static final int GOT = 2;
    public static final int ACKED = 3;
    public static final int REDELIVERED = 4;
    public static final int SIZE = 5;

    private final SingleWriterCounters counters = new SingleWriterCounters(SIZE);

    public void add(int index, long delta) {
        counters.add(index, delta);
    }

    public long get(int index) {
        return counters.get(index);
    }
}
