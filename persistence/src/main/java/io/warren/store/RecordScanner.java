package io.warren.store;

import static io.warren.store.RecordFormat.CRC_AT;
import static io.warren.store.RecordFormat.CRC_FROM;
import static io.warren.store.RecordFormat.FLAG_PERSISTENT;
import static io.warren.store.RecordFormat.MAX_PAYLOAD_BYTES;
import static io.warren.store.RecordFormat.RECORD_HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the records of a segment file between two offsets, verifying each checksum, reading the file in large
 * positional chunks rather than a syscall per record.
 *
 * <p>A record that fails its checksum is skipped (with a warning) when the file continues with a valid record
 * after it, or when the range is trusted to end on a record boundary (a sealed segment). Otherwise it is the torn
 * tail of a crash: the scan stops there and {@link #stoppedAt()} says where.
 */
public final class RecordScanner {
    private static final Logger LOG = LoggerFactory.getLogger(RecordScanner.class);
    static final int DEFAULT_CHUNK = 64 * 1024;

    private final FileChannel channel;
    private final Path file;
    private final long end;
    private final boolean endIsTrusted;
    private final ByteBuffer buf;
    private final CRC32C crc = new CRC32C();

    private long bufStart;
    private long position;
    private long stoppedAt = -1;
    private String stopReason;
    private long skipped;

    private long recordOffset;
    private int length;
    private byte flags;
    private long seq;
    /** The payload when it did not fit the chunk buffer and was read into its own. */
    private ByteBuffer ownPayload;

    /** A scan of [start, end) of the file, reading chunkBytes at a time. */
    public RecordScanner(FileChannel channel, Path file, long start, long end, boolean endIsTrusted, int chunkBytes) {
        this.channel = channel;
        this.file = file;
        this.position = start;
        this.end = end;
        this.endIsTrusted = endIsTrusted;
        this.buf = RecordFormat.newBuffer((int) Math.max(RECORD_HEADER_BYTES, Math.min(chunkBytes, end - start)));
        this.buf.limit(0);
        this.bufStart = start;
    }

    /** Moves to the next valid record; false at the end of the range or at a torn tail. */
    public boolean next() throws IOException {
        while (true) {
            long off = position;
            if (off >= end) {
                return false;
            }
            if (end - off < RECORD_HEADER_BYTES) {
                return stop(off, "partial record header");
            }
            ensure(off, RECORD_HEADER_BYTES);
            int at = (int) (off - bufStart);
            int len = buf.getInt(at);
            int storedCrc = buf.getInt(at + CRC_AT);
            byte f = buf.get(at + CRC_FROM);
            long s = buf.getLong(at + CRC_FROM + 1);
            if (len < 0 || len > MAX_PAYLOAD_BYTES || off + RECORD_HEADER_BYTES + len > end) {
                // With a broken length there is no telling where the next record starts.
                return stop(off, "record length " + len + " runs past the end");
            }
            long recordEnd = off + RECORD_HEADER_BYTES + len;
            boolean ok = checksumMatches(off, len, storedCrc) && (f & ~FLAG_PERSISTENT) == 0;
            if (!ok) {
                if (endIsTrusted || validRecordAt(recordEnd)) {
                    LOG.warn("{}: skipping a corrupt record at offset {} ({} payload bytes, seq field {})", file, off, len, s);
                    skipped++;
                    position = recordEnd;
                    continue;
                }
                return stop(off, "bad checksum");
            }
            recordOffset = off;
            length = len;
            flags = f;
            seq = s;
            position = recordEnd;
            return true;
        }
    }

    private boolean checksumMatches(long off, int len, int storedCrc) throws IOException {
        crc.reset();
        ownPayload = null;
        if (RECORD_HEADER_BYTES + len <= buf.capacity()) {
            ensure(off, RECORD_HEADER_BYTES + len);
            int at = (int) (off - bufStart);
            crc.update(buf.array(), at + CRC_FROM, RECORD_HEADER_BYTES - CRC_FROM + len);
        } else {
            int at = (int) (off - bufStart);
            crc.update(buf.array(), at + CRC_FROM, RECORD_HEADER_BYTES - CRC_FROM);
            ByteBuffer payload = ByteBuffer.allocate(len);
            FileIo.readFully(channel, payload, off + RECORD_HEADER_BYTES);
            payload.flip();
            crc.update(payload.duplicate());
            ownPayload = payload;
        }
        return (int) crc.getValue() == storedCrc;
    }

    private boolean validRecordAt(long off) throws IOException {
        if (end - off < RECORD_HEADER_BYTES) {
            return false;
        }
        ByteBuffer h = RecordFormat.newBuffer(RECORD_HEADER_BYTES);
        FileIo.readFully(channel, h, off);
        int len = h.getInt(0);
        if (len < 0 || len > MAX_PAYLOAD_BYTES || off + RECORD_HEADER_BYTES + len > end
                || (h.get(CRC_FROM) & ~FLAG_PERSISTENT) != 0) {
            return false;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        FileIo.readFully(channel, payload, off + RECORD_HEADER_BYTES);
        CRC32C c = new CRC32C();
        c.update(h.array(), CRC_FROM, RECORD_HEADER_BYTES - CRC_FROM);
        c.update(payload.array(), 0, len);
        return (int) c.getValue() == h.getInt(CRC_AT);
    }

    private boolean stop(long off, String reason) {
        stoppedAt = off;
        stopReason = reason;
        position = end;
        return false;
    }

    /** Makes bytes [off, off + n) available in the chunk buffer; n never exceeds its capacity. */
    private void ensure(long off, int n) throws IOException {
        if (off >= bufStart && off + n <= bufStart + buf.limit()) {
            return;
        }
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - off));
        FileIo.readFully(channel, buf, off);
        buf.flip();
        bufStart = off;
    }

    /** The current record's seq. */
    public long seq() {
        return seq;
    }

    boolean persistent() {
        return (flags & FLAG_PERSISTENT) != 0;
    }

    /** The current record's payload length. */
    public int payloadLength() {
        return length;
    }

    /** Where the current record starts. */
    public long recordOffset() {
        return recordOffset;
    }

    /** Where the next record starts (just past the current one). */
    public long position() {
        return position;
    }

    /** The offset of the torn or unreadable tail the scan stopped at, or -1 if it reached the end. */
    public long stoppedAt() {
        return stoppedAt;
    }

    /** Why the scan stopped early, or null. */
    public String stopReason() {
        return stopReason;
    }

    long skipped() {
        return skipped;
    }

    /** The current record's payload in a buffer of its own, which the caller may keep. */
    public ByteBuffer copyPayload() {
        if (ownPayload != null) {
            return ownPayload.duplicate();
        }
        ByteBuffer copy = ByteBuffer.allocate(length);
        int at = (int) (recordOffset - bufStart) + RECORD_HEADER_BYTES;
        copy.put(buf.array(), at, length);
        return copy.flip();
    }

    /** The current record's exact bytes (header and payload), valid until {@link #next} is called again. */
    ByteBuffer[] recordBytes() {
        int at = (int) (recordOffset - bufStart);
        if (ownPayload != null) {
            ByteBuffer header = ByteBuffer.wrap(buf.array(), at, RECORD_HEADER_BYTES).slice();
            return new ByteBuffer[] {header, ownPayload.duplicate()};
        }
        return new ByteBuffer[] {ByteBuffer.wrap(buf.array(), at, RECORD_HEADER_BYTES + length).slice()};
    }
}
