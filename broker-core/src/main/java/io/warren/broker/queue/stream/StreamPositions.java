package io.warren.broker.queue.stream;

/** What a stream's log tells a new reader about where it can start; the stream storage implements it. */
public interface StreamPositions {
    /** The offset of the oldest message retention has kept; equal to {@link #nextOffset()} when the log is empty. */
    long firstOffset();

    /**
     * Where "last" starts: the first offset of the newest chunk the storage wrote (RabbitMQ) or simply the newest
     * message; {@link #nextOffset()} when the log is empty.
     */
    long lastOffset();

    /** The offset the next published message will get. */
    long nextOffset();

    /**
     * The offset of the first message published at or after this time (epoch milliseconds), or
     * {@link #nextOffset()} when every message is older.
     */
    long offsetAt(long epochMillis);
}
