package io.warren.store.stream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of a stream's files: the segment header and the payload of a message record (the record framing
 * itself is the message store's, see RecordFormat). FORMAT.md describes the same in prose; change both together.
 */
final class StreamFormat {
    /** "WRST": a Warren stream segment. */
    static final int SEGMENT_MAGIC = 0x57525354;
    static final short VERSION = 1;
    // magic u32, version u16, reserved u16, first offset u64, reserved u64 x 1, reserved u32, crc32c u32 (over 0..28)
    static final int SEGMENT_HEADER_BYTES = 32;
    private static final int SEGMENT_HEADER_CRC_AT = 28;

    static final String SEGMENT_SUFFIX = ".seg";
    static final String INDEX_SUFFIX = ".idx";
    static final String TMP_SUFFIX = ".tmp";

    /** Filter values are short strings (RabbitMQ caps them at 255 bytes); the cap guards the u16 length field. */
    static final int MAX_FILTER_BYTES = 65535;
    static final int MAX_FILTERS = 65535;

    private StreamFormat() {
    }

    static ByteBuffer newBuffer(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.BIG_ENDIAN);
    }

    static String segmentName(long firstOffset) {
        return String.format("%020d", firstOffset) + SEGMENT_SUFFIX;
    }

    static String indexName(long firstOffset) {
        return String.format("%020d", firstOffset) + INDEX_SUFFIX;
    }

    /** The first offset a segment or index file name stands for, or -1 if the name is not one of ours. */
    static long offsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static ByteBuffer segmentHeader(long firstOffset) {
        ByteBuffer b = newBuffer(SEGMENT_HEADER_BYTES);
        b.putInt(SEGMENT_MAGIC).putShort(VERSION).putShort((short) 0).putLong(firstOffset).putLong(0).putInt(0);
        b.putInt(crc(b.array(), 0, SEGMENT_HEADER_CRC_AT));
        return b.flip();
    }

    /** Whether the bytes are a valid segment header for a segment starting at this offset. */
    static boolean validSegmentHeader(ByteBuffer b, long firstOffset) {
        return b.remaining() >= SEGMENT_HEADER_BYTES && b.getInt(0) == SEGMENT_MAGIC && b.getShort(4) == VERSION
                && b.getLong(8) == firstOffset
                && b.getInt(SEGMENT_HEADER_CRC_AT) == crc(b.array(), 0, SEGMENT_HEADER_CRC_AT);
    }

    /**
     * The part of a message record's payload before the properties and body: timestamp i64, filter count u16,
     * each filter (length u16, UTF-8), properties length u32.
     */
    static ByteBuffer encodeMeta(long timestampMillis, List<String> filters, int headerLength) {
        if (filters.size() > MAX_FILTERS) {
            throw new IllegalArgumentException(filters.size() + " filter values; at most " + MAX_FILTERS);
        }
        byte[][] encoded = new byte[filters.size()][];
        int size = 8 + 2 + 4;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = filters.get(i).getBytes(StandardCharsets.UTF_8);
            if (encoded[i].length > MAX_FILTER_BYTES) {
                throw new IllegalArgumentException("a filter value of " + encoded[i].length + " bytes; at most "
                        + MAX_FILTER_BYTES);
            }
            size += 2 + encoded[i].length;
        }
        ByteBuffer b = newBuffer(size);
        b.putLong(timestampMillis).putShort((short) encoded.length);
        for (byte[] f : encoded) {
            b.putShort((short) f.length).put(f);
        }
        b.putInt(headerLength);
        return b.flip();
    }

    /** The timestamp of a message record's payload (its first 8 bytes). */
    static long timestampOf(ByteBuffer payload) {
        return payload.getLong(payload.position());
    }

    /** Decodes a message record's payload; null when its inner lengths do not add up. */
    static StreamRecord decode(long offset, ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.BIG_ENDIAN);
        try {
            long ts = b.getLong();
            int n = Short.toUnsignedInt(b.getShort());
            List<String> filters = n == 0 ? List.of() : new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] f = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(f);
                filters.add(new String(f, StandardCharsets.UTF_8));
            }
            int headerLength = b.getInt();
            if (headerLength < 0 || headerLength > b.remaining()) {
                return null;
            }
            byte[] header = new byte[headerLength];
            b.get(header);
            byte[] body = new byte[b.remaining()];
            b.get(body);
            return new StreamRecord(offset, ts, filters, header, body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        return (int) c.getValue();
    }
}
