package io.warren.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The byte layout of segment files: the segment header, records and the footer that seals a segment.
 * FORMAT.md is the prose version of this class; change both together.
 */
public final class RecordFormat {
    /** "WRSG": a Warren segment. */
    static final int SEGMENT_MAGIC = 0x57525347;
    static final short VERSION = 1;

    // magic u32, version u16, reserved u16, segment number u64, base seq u64, reserved u32, crc32c u32 (over 0..28)
    static final int SEGMENT_HEADER_BYTES = 32;
    private static final int SEGMENT_HEADER_CRC_AT = 28;

    // length u32 (payload bytes), crc32c u32 (over flags, seq and payload), flags u8, seq u64, payload
    /** Bytes before a record's payload. */
    public static final int RECORD_HEADER_BYTES = 17;
    public static final int CRC_AT = 4;
    /** The crc covers everything after itself: flags, seq and payload. */
    public static final int CRC_FROM = 8;

    /** The flag of a record that is fsynced and survives a restart. */
    public static final byte FLAG_PERSISTENT = 0x01;
    /** Marks the footer record; never set on a message record. */
    static final byte FLAG_FOOTER = (byte) 0x80;

    /** Guards against reading a garbage length as a huge allocation. Records are far smaller in practice. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

    // Footer payload: segment number u64, footer offset u64, records u64, persistent records u64,
    // persistent payload bytes u64, first seq u64. The footer record's own seq field holds the last seq.
    static final int FOOTER_PAYLOAD_BYTES = 48;
    static final int FOOTER_BYTES = RECORD_HEADER_BYTES + FOOTER_PAYLOAD_BYTES;

    private RecordFormat() {
    }

    static ByteBuffer newBuffer(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.BIG_ENDIAN);
    }

    /** Encodes a segment header into a fresh buffer ready to write. */
    static ByteBuffer segmentHeader(long segmentNumber, long baseSeq) {
        ByteBuffer b = newBuffer(SEGMENT_HEADER_BYTES);
        b.putInt(SEGMENT_MAGIC).putShort(VERSION).putShort((short) 0).putLong(segmentNumber).putLong(baseSeq).putInt(0);
        b.putInt(crc(b.array(), 0, SEGMENT_HEADER_CRC_AT));
        return b.flip();
    }

    /** A decoded segment header; {@code valid} is false for a bad magic, version or checksum. */
    record SegmentHeader(boolean valid, long segmentNumber, long baseSeq) {
    }

    static SegmentHeader readSegmentHeader(ByteBuffer b) {
        if (b.remaining() < SEGMENT_HEADER_BYTES) {
            return new SegmentHeader(false, -1, -1);
        }
        int p = b.position();
        byte[] bytes = new byte[SEGMENT_HEADER_BYTES];
        b.duplicate().get(bytes);
        boolean valid = b.getInt(p) == SEGMENT_MAGIC && b.getShort(p + 4) == VERSION
                && b.getInt(p + SEGMENT_HEADER_CRC_AT) == crc(bytes, 0, SEGMENT_HEADER_CRC_AT);
        return new SegmentHeader(valid, b.getLong(p + 8), b.getLong(p + 16));
    }

    /** Writes a record header (length, crc placeholder, flags, seq) at the buffer's absolute offset. */
    static void putRecordHeader(ByteBuffer b, int at, int payloadLength, byte flags, long seq) {
        b.putInt(at, payloadLength);
        b.putInt(at + CRC_AT, 0);
        b.put(at + CRC_FROM, flags);
        b.putLong(at + CRC_FROM + 1, seq);
    }

    /** Summary written at the end of a sealed segment so recovery can skip scanning it. */
    record Footer(long segmentNumber, long offset, long records, long persistentRecords, long persistentBytes,
                  long firstSeq, long lastSeq) {

        ByteBuffer encode() {
            ByteBuffer b = newBuffer(FOOTER_BYTES);
            putRecordHeader(b, 0, FOOTER_PAYLOAD_BYTES, FLAG_FOOTER, lastSeq);
            b.position(RECORD_HEADER_BYTES);
            b.putLong(segmentNumber).putLong(offset).putLong(records).putLong(persistentRecords)
                    .putLong(persistentBytes).putLong(firstSeq);
            b.putInt(CRC_AT, crc(b.array(), CRC_FROM, FOOTER_BYTES - CRC_FROM));
            return b.flip();
        }

        /**
         * Decodes the last {@link #FOOTER_BYTES} of a file of the given size, or null when they are not a
         * footer of this segment at exactly that place (a torn or unsealed segment).
         */
        static Footer decode(ByteBuffer b, long segmentNumber, long fileSize) {
            if (b.remaining() != FOOTER_BYTES || b.getInt(0) != FOOTER_PAYLOAD_BYTES || b.get(CRC_FROM) != FLAG_FOOTER
                    || b.getInt(CRC_AT) != crc(b.array(), CRC_FROM, FOOTER_BYTES - CRC_FROM)) {
                return null;
            }
            Footer f = new Footer(b.getLong(RECORD_HEADER_BYTES), b.getLong(RECORD_HEADER_BYTES + 8),
                    b.getLong(RECORD_HEADER_BYTES + 16), b.getLong(RECORD_HEADER_BYTES + 24),
                    b.getLong(RECORD_HEADER_BYTES + 32), b.getLong(RECORD_HEADER_BYTES + 40), b.getLong(CRC_FROM + 1));
            // A payload could contain footer-like bytes; the footer also has to name this segment and its own place.
            if (f.segmentNumber != segmentNumber || f.offset != fileSize - FOOTER_BYTES) {
                return null;
            }
            return f;
        }
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        return (int) c.getValue();
    }
}
