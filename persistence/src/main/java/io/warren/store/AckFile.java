package io.warren.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledgement file of one segment: fixed-size entries appended without fsync. Losing the last few in a
 * crash only means those records are delivered again (at-least-once), so they are never worth an fsync.
 */
final class AckFile {
    private static final Logger LOG = LoggerFactory.getLogger(AckFile.class);

    /** "WRAK": a Warren ack file. */
    static final int MAGIC = 0x5752414B;
    static final int ENTRY_BYTES = 24;
    static final int HEADER_BYTES = 24;
    private static final int CRC_AT = 20;

    static final byte ACK = 1;
    static final byte DELIVERED = 2;
    /** Acks every record of the segment with from <= seq <= to (seq = from, arg = to). */
    static final byte ACK_FROM = 3;

    /** Receives the valid entries of a file being loaded. */
    interface Visitor {
        void entry(byte kind, long seq, long arg);
    }

    private final Path path;
    private final long segmentNumber;
    private FileChannel channel;
    private long size;

    AckFile(Path path, long segmentNumber) {
        this.path = path;
        this.segmentNumber = segmentNumber;
    }

    Path path() {
        return path;
    }

    /** Encodes one entry at the buffer's position. */
    static void putEntry(ByteBuffer b, byte kind, long seq, long arg) {
        int at = b.position();
        b.putLong(seq).putLong(arg).put(kind).put((byte) 0).putShort((short) 0);
        b.putInt(crcOf(b, at));
    }

    /**
     * Appends whole entries (the buffer from position to limit), creating the file with its header if needed. A
     * failed write is cut back so a partial entry cannot shift every later entry off its boundary.
     */
    void append(ByteBuffer entries) throws IOException {
        if (channel == null) {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                size = ch.size();
                if (size < HEADER_BYTES) {
                    ch.truncate(0);
                    FileIo.writeFully(ch, header(segmentNumber), 0);
                    size = HEADER_BYTES;
                }
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            channel = ch;
        }
        int n = entries.remaining();
        try {
            FileIo.writeFully(channel, entries, size);
            size += n;
        } catch (IOException e) {
            try {
                channel.truncate(size);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    void close() throws IOException {
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }

    /** Closes and removes the file. */
    void delete() throws IOException {
        close();
        Files.deleteIfExists(path);
    }

    /**
     * Replaces the file's content with the given entries (via a synced temporary file and an atomic rename), so a
     * crash leaves either the old or the new file.
     */
    void rewrite(ByteBuffer entries) throws IOException {
        close();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            FileIo.writeFully(out, header(segmentNumber));
            FileIo.writeFully(out, entries);
            out.force(false);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads every valid entry in order. A torn last entry is cut off (so later appends stay aligned); entries with
     * a bad checksum are skipped. A missing file has no entries.
     */
    static void load(Path path, long segmentNumber, Visitor visitor) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < HEADER_BYTES) {
                // Torn while being created: nothing was ever appended after a header that isn't whole.
                ch.truncate(0);
                return;
            }
            long whole = HEADER_BYTES + (size - HEADER_BYTES) / ENTRY_BYTES * ENTRY_BYTES;
            if (whole < size) {
                LOG.warn("{}: cutting a torn last entry ({} bytes)", path, size - whole);
                ch.truncate(whole);
            }
            ByteBuffer head = RecordFormat.newBuffer(HEADER_BYTES);
            FileIo.readFully(ch, head, 0);
            head.flip();
            if (head.getInt(0) != MAGIC || head.getLong(8) != segmentNumber || head.getInt(CRC_AT) != crcOf(head, 0)) {
                LOG.warn("{}: bad header, reading its entries anyway (each has its own checksum)", path);
            }
            ByteBuffer buf = RecordFormat.newBuffer(ENTRY_BYTES * 2048);
            long bad = 0;
            for (long pos = HEADER_BYTES; pos < whole; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), whole - pos));
                FileIo.readFully(ch, buf, pos);
                buf.flip();
                for (int at = 0; at < buf.limit(); at += ENTRY_BYTES) {
                    if (buf.getInt(at + CRC_AT) != crcOf(buf, at)) {
                        bad++;
                        continue;
                    }
                    visitor.entry(buf.get(at + 16), buf.getLong(at), buf.getLong(at + 8));
                }
                pos += buf.limit();
            }
            if (bad > 0) {
                LOG.warn("{}: skipped {} entries with a bad checksum", path, bad);
            }
        }
    }

    private static ByteBuffer header(long segmentNumber) {
        ByteBuffer b = RecordFormat.newBuffer(HEADER_BYTES);
        b.putInt(MAGIC).putShort(RecordFormat.VERSION).putShort((short) 0).putLong(segmentNumber).putInt(0);
        b.putInt(crcOf(b, 0));
        return b.flip();
    }

    private static int crcOf(ByteBuffer b, int at) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b.array(), b.arrayOffset() + at, CRC_AT);
        return (int) c.getValue();
    }
}
