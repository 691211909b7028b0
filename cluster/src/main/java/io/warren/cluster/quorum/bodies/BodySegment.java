package io.warren.cluster.quorum.bodies;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One file of the {@link BodyLog}'s segment series ({@code bodies.<number>}): a header, then records of
 * {@code crc32c, body length, queue id, msgId, body}, appended in order. What is live in it is known only from the
 * log's index; the segment counts its live records and bytes so it can be deleted or compacted.
 */
final class BodySegment {
    static final String PREFIX = "bodies.";
    static final int HEADER_BYTES = 16;
    static final int RECORD_HEADER_BYTES = 20;
    /** "WRBD": a Warren body segment. */
    private static final int MAGIC = 0x57524244;
    private static final short VERSION = 1;

    final long number;
    final Path file;
    /** End of the last whole record written to the file. */
    long end;
    long liveRecords;
    long liveBytes;
    /** Record bytes (headers included) in the file, live or not. */
    long recordBytes;
    /** Open while it is the segment written to, or read lately (the log bounds how many are open). */
    FileChannel channel;

    BodySegment(Path dir, long number) {
        this.number = number;
        this.file = dir.resolve(fileName(number));
    }

    static String fileName(long number) {
        return String.format("%s%016d", PREFIX, number);
    }

    /** The segment number in a file name, or -1 when it is not a segment's. */
    static long numberOf(String fileName) {
        if (!fileName.startsWith(PREFIX) || fileName.length() != PREFIX.length() + 16) {
            return -1;
        }
        String digits = fileName.substring(PREFIX.length());
        return digits.chars().allMatch(Character::isDigit) ? Long.parseLong(digits) : -1;
    }

    /** Creates the file with its header and keeps it open for appends. */
    void create() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            h.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(number).flip();
            writeFully(ch, h, 0);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
        channel = ch;
        end = HEADER_BYTES;
    }

    FileChannel open() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        return channel;
    }

    void close() throws IOException {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    /** A record's header (its checksum filled in once the body is known: {@link #seal}). */
    static ByteBuffer recordHeader(int queueId, long msgId, int length) {
        ByteBuffer h = ByteBuffer.allocate(RECORD_HEADER_BYTES);
        h.putInt(0).putInt(length).putInt(queueId).putLong(msgId).flip();
        return h;
    }

    /** Puts the checksum of header and body into the header. */
    static void seal(ByteBuffer header, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 4, RECORD_HEADER_BYTES - 4);
        crc.update(body.duplicate());
        header.putInt(0, (int) crc.getValue());
    }

    /** The body of the record at the offset, whose body has the given length; checked against its checksum. */
    ByteBuffer read(int offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(RECORD_HEADER_BYTES + length);
        readFully(open(), b, offset);
        b.flip();
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 4, b.limit() - 4);
        if (b.getInt(0) != (int) crc.getValue() || b.getInt(4) != length) {
            throw new IOException(file + ": the record at offset " + offset + " is damaged (checksum mismatch)");
        }
        return b.position(RECORD_HEADER_BYTES).slice();
    }

    /** Receives the whole records of a segment being scanned. */
    interface RecordVisitor {
        void record(int queueId, long msgId, int offset, ByteBuffer body) throws IOException;
    }

    /**
     * Reads every whole, intact record in order and returns where they end: a torn or damaged record ends the scan
     * (nothing after it can be framed). A file whose header is not a segment's throws.
     */
    long scan(RecordVisitor visitor) throws IOException {
        FileChannel ch = open();
        long size = ch.size();
        if (size < HEADER_BYTES) {
            return -1; // cut short while being created: no record can be in it
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        readFully(ch, h, 0);
        if (h.getInt(0) != MAGIC || h.getLong(8) != number) {
            throw new IOException(file + " is not a Warren body segment (bad header)");
        }
        if (h.getShort(4) != VERSION) {
            throw new IOException(file + " is a body segment of format version " + h.getShort(4) + "; this Warren "
                    + "reads version " + VERSION);
        }
        ByteBuffer buf = ByteBuffer.allocate(1024 * 1024);
        long pos = HEADER_BYTES;
        CRC32C crc = new CRC32C();
        while (pos + RECORD_HEADER_BYTES <= size) {
            ByteBuffer head = ByteBuffer.allocate(RECORD_HEADER_BYTES);
            readFully(ch, head, pos);
            int length = head.getInt(4);
            if (length < 0 || pos + RECORD_HEADER_BYTES + length > size) {
                break;
            }
            ByteBuffer body = length <= buf.capacity() ? buf.clear().limit(length) : ByteBuffer.allocate(length);
            readFully(ch, body, pos + RECORD_HEADER_BYTES);
            body.flip();
            crc.reset();
            crc.update(head.array(), 4, RECORD_HEADER_BYTES - 4);
            crc.update(body.duplicate());
            if (head.getInt(0) != (int) crc.getValue()) {
                break;
            }
            visitor.record(head.getInt(8), head.getLong(12), (int) pos, body);
            pos += RECORD_HEADER_BYTES + length;
        }
        return pos;
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + at);
            }
            at += n;
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
