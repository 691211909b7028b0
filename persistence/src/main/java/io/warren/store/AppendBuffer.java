package io.warren.store;

import static io.warren.store.RecordFormat.CRC_AT;
import static io.warren.store.RecordFormat.CRC_FROM;
import static io.warren.store.RecordFormat.RECORD_HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Appends waiting for the next flush, kept as a gathering-write list: record headers live in one reusable direct
 * buffer, payloads are referenced as given (never copied) until the flush writes them.
 */
public final class AppendBuffer {
    private ByteBuffer headers = ByteBuffer.allocateDirect(64 * RECORD_HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private ByteBuffer[] headerViews = new ByteBuffer[64];
    private ByteBuffer[] gather = new ByteBuffer[256];
    private int gatherCount;
    private final CRC32C crc = new CRC32C();

    private int records;
    private long bytes;
    private long[] seqs = new long[64];
    private int[] lengths = new int[64];
    private boolean[] persistent = new boolean[64];
    /** Bytes up to the end of the last persistent record: what a durability listener has to wait for. */
    private long persistentEnd;

    /** Queues a record; the payload buffers are referenced, not copied, until {@link #clear}. */
    public void add(long seq, boolean isPersistent, ByteBuffer[] payload) {
        int length = 0;
        for (ByteBuffer p : payload) {
            length += p.remaining();
        }
        if (length > RecordFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + length + " bytes exceeds " + RecordFormat.MAX_PAYLOAD_BYTES);
        }
        ensureCapacity(payload.length);
        ByteBuffer header = headerViews[records];
        header.clear();
        int at = records * RECORD_HEADER_BYTES;
        RecordFormat.putRecordHeader(headers, at, length, isPersistent ? RecordFormat.FLAG_PERSISTENT : 0, seq);
        crc.reset();
        crc.update(header.position(CRC_FROM));
        gather[gatherCount++] = header;
        for (ByteBuffer p : payload) {
            // A view of our own: the flush consumes it, and the caller's buffer position stays as it was.
            ByteBuffer view = p.duplicate();
            crc.update(view);
            view.flip().position(p.position());
            gather[gatherCount++] = view;
        }
        headers.putInt(at + CRC_AT, (int) crc.getValue());
        header.clear();
        seqs[records] = seq;
        lengths[records] = length;
        persistent[records] = isPersistent;
        records++;
        bytes += RECORD_HEADER_BYTES + length;
        if (isPersistent) {
            persistentEnd = bytes;
        }
    }

    private void ensureCapacity(int payloadBuffers) {
        if (records == headerViews.length) {
            int n = records * 2;
            ByteBuffer bigger = ByteBuffer.allocateDirect(n * RECORD_HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
            bigger.put(headers.clear());
            headers = bigger;
            headerViews = new ByteBuffer[n];
            seqs = Arrays.copyOf(seqs, n);
            lengths = Arrays.copyOf(lengths, n);
            persistent = Arrays.copyOf(persistent, n);
            // The views already queued still point at the old buffer, which stays valid until they are written.
        }
        if (headerViews[records] == null) {
            headerViews[records] = headers.slice(records * RECORD_HEADER_BYTES, RECORD_HEADER_BYTES);
        }
        if (gatherCount + 1 + payloadBuffers > gather.length) {
            gather = Arrays.copyOf(gather, Math.max(gather.length * 2, gatherCount + 1 + payloadBuffers));
        }
    }

    /** Writes everything with gathering writes (one call unless the kernel takes less); returns the bytes written. */
    public long writeTo(FileChannel channel) throws IOException {
        long written = 0;
        int from = 0;
        while (written < bytes) {
            written += channel.write(gather, from, gatherCount - from);
            while (from < gatherCount && !gather[from].hasRemaining()) {
                from++;
            }
        }
        return written;
    }

    /** Forgets the buffered records and drops the references to the caller's payloads. */
    public void clear() {
        Arrays.fill(gather, 0, gatherCount, null);
        gatherCount = 0;
        records = 0;
        bytes = 0;
        persistentEnd = 0;
    }

    /** Nothing is buffered. */
    public boolean isEmpty() {
        return records == 0;
    }

    /** Records buffered. */
    public int records() {
        return records;
    }

    /** Bytes buffered, headers included. */
    public long bytes() {
        return bytes;
    }

    /** Buffered bytes up to the end of the last persistent record. */
    public long persistentEnd() {
        return persistentEnd;
    }

    /** The seq of the i-th buffered record. */
    public long seq(int i) {
        return seqs[i];
    }

    /** The payload length of the i-th buffered record. */
    public int length(int i) {
        return lengths[i];
    }

    boolean persistent(int i) {
        return persistent[i];
    }

    long lastSeq() {
        return seqs[records - 1];
    }
}
