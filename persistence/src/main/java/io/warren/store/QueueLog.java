package io.warren.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One queue's log of records: segmented, append-only files with a checksum per record, plus per-segment
 * acknowledgement files. Single writer: every method except the listener callbacks is called from one thread
 * (the queue's own), so nothing here takes a lock on the append path.
 */
public final class QueueLog {

    /** Live persistent records found on disk when the log was opened. */
    public long recoveredCount() {
        throw new UnsupportedOperationException();
    }

    /** Total payload bytes of those records. */
    public long recoveredBytes() {
        throw new UnsupportedOperationException();
    }

    /** The highest sequence number ever appended (-1 for none), so the owner continues numbering after it. */
    public long lastSeq() {
        throw new UnsupportedOperationException();
    }

    /**
     * Appends a record (buffered until {@link #flush}). Sequence numbers must increase with every append.
     * Non-persistent records are for paging only: they are never fsynced on their own account and are dropped
     * when the log is opened again.
     */
    public void append(long seq, boolean persistent, ByteBuffer... payload) throws IOException {
        throw new UnsupportedOperationException();
    }

    /**
     * Writes the buffered appends to the file (no fsync). On failure (disk full) the segment is cut back to its
     * last complete record, the failed records are forgotten, and the exception says so.
     */
    public void flush() throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Runs the listener once every persistent record appended (and flushed) so far is fsynced. */
    public void whenDurable(DurabilityListener listener) {
        throw new UnsupportedOperationException();
    }

    /** Records that the record was handed to a consumer, so it comes back redelivered after a crash. Not fsynced. */
    public void markDelivered(long seq) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** The record is finished with (acked, or dropped); its segment goes once all of its records are. Not fsynced. */
    public void ack(long seq) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Acks every record with a sequence number of at least {@code seq} (a purge of the never-delivered tail). */
    public void ackFrom(long seq) throws IOException {
        throw new UnsupportedOperationException();
    }

    /**
     * Reads live records with sequence numbers of at least {@code fromSeq}, in order, until {@code maxRecords}
     * or {@code maxBytes} of payload have been handed to the sink. Returns how many were read (0 at the end).
     */
    public int read(long fromSeq, int maxRecords, long maxBytes, RecordSink sink) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Closes the files and removes the log from disk (the queue was deleted). */
    public void delete() throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Closes the files, keeping them. */
    public void close() throws IOException {
        throw new UnsupportedOperationException();
    }
}
