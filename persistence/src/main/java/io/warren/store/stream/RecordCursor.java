package io.warren.store.stream;

import static io.warren.store.RecordFormat.CRC_AT;
import static io.warren.store.RecordFormat.CRC_FROM;
import static io.warren.store.RecordFormat.FLAG_PERSISTENT;
import static io.warren.store.RecordFormat.MAX_PAYLOAD_BYTES;
import static io.warren.store.RecordFormat.RECORD_HEADER_BYTES;

import io.warren.store.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the records of one segment file in order, a chunk at a time into one reusable buffer, checking each
 * checksum. The end is given per call because the segment being written grows while it is read. A record bigger
 * than the chunk gets a buffer of its own for as long as it is the current record, so memory is bounded by the
 * chunk size plus the biggest record, never by the segment.
 */
final class RecordCursor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordCursor.class);

    private final ByteBuffer buf;
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    private Path file;
    private long bufStart;
    private long position;

    private long offset;
    private ByteBuffer payload;
    private ByteBuffer own;
    private long skippedCorrupt;

    RecordCursor(int chunkBytes) {
        this.buf = StreamFormat.newBuffer(Math.max(chunkBytes, RECORD_HEADER_BYTES));
        this.buf.limit(0);
    }

    /** Starts reading another file at the position (the previous file is closed). */
    void open(Path segmentFile, long at) throws IOException {
        close();
        channel = FileChannel.open(segmentFile, StandardOpenOption.READ);
        file = segmentFile;
        seek(at);
    }

    void seek(long at) {
        position = at;
        buf.limit(0);
        bufStart = at;
    }

    /** Moves to the next valid record that ends at or before end; false when there is none (yet). */
    boolean next(long end) throws IOException {
        own = null;
        payload = null;
        while (true) {
            long off = position;
            if (off + RECORD_HEADER_BYTES > end) {
                return false;
            }
            ensure(off, RECORD_HEADER_BYTES, end);
            int at = (int) (off - bufStart);
            int len = buf.getInt(at);
            int storedCrc = buf.getInt(at + CRC_AT);
            byte flags = buf.get(at + CRC_FROM);
            long seq = buf.getLong(at + CRC_FROM + 1);
            if (len < 0 || len > MAX_PAYLOAD_BYTES || off + RECORD_HEADER_BYTES + len > end) {
                // Below the end everything is whole records, so this is damage; nothing after it can be located.
                LOG.warn("{}: unreadable record length {} at position {}; the rest of the segment is skipped",
                        file, len, off);
                skippedCorrupt++;
                position = end;
                return false;
            }
            crc.reset();
            if (RECORD_HEADER_BYTES + len <= buf.capacity()) {
                ensure(off, RECORD_HEADER_BYTES + len, end);
                at = (int) (off - bufStart);
                crc.update(buf.array(), at + CRC_FROM, RECORD_HEADER_BYTES - CRC_FROM + len);
                payload = ByteBuffer.wrap(buf.array(), at + RECORD_HEADER_BYTES, len).slice();
            } else {
                crc.update(buf.array(), at + CRC_FROM, RECORD_HEADER_BYTES - CRC_FROM);
                own = ByteBuffer.allocate(len);
                FileIo.readFully(channel, own, off + RECORD_HEADER_BYTES);
                own.flip();
                crc.update(own.duplicate());
                payload = own;
            }
            position = off + RECORD_HEADER_BYTES + len;
            if ((int) crc.getValue() != storedCrc || (flags & ~FLAG_PERSISTENT) != 0) {
                LOG.warn("{}: skipping a record with a bad checksum at position {}", file, off);
                skippedCorrupt++;
                own = null;
                payload = null;
                continue;
            }
            offset = seq;
            return true;
        }
    }

    private void ensure(long off, int n, long end) throws IOException {
        if (off >= bufStart && off + n <= bufStart + buf.limit()) {
            return;
        }
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), end - off));
        FileIo.readFully(channel, buf, off);
        buf.flip();
        bufStart = off;
    }

    /** The current record's offset. */
    long offset() {
        return offset;
    }

    /** The current record's payload, valid until the next call. */
    ByteBuffer payload() {
        return payload.duplicate();
    }

    /** Where the record after the current one starts. */
    long position() {
        return position;
    }

    /** Bytes of buffer this cursor holds right now. */
    int bufferedCapacity() {
        return buf.capacity() + (own == null ? 0 : own.capacity());
    }

    long skippedCorrupt() {
        return skippedCorrupt;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }
}
