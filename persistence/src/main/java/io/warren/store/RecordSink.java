package io.warren.store;

import java.nio.ByteBuffer;

/** Receives records read back from a queue log. */
@FunctionalInterface
public interface RecordSink {
    /**
     * One live record.
     *
     * @param seq        the sequence number it was appended with
     * @param persistent whether it was appended as persistent
     * @param delivered  whether {@link QueueLog#markDelivered} was recorded for it
     * @param payload    its payload; the sink may keep it (the store does not reuse the buffer)
     */
    void record(long seq, boolean persistent, boolean delivered, ByteBuffer payload);
}
