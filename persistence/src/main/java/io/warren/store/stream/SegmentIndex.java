package io.warren.store.stream;

import io.warren.store.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A segment's sparse index: every so many bytes, the offset and file position of a record and the highest
 * timestamp of the records before it in the segment. Seeks by offset or timestamp start at an entry and read at
 * most one interval. The segment being written keeps its index in memory; a sealed one's is in its index file and
 * read when a seek needs it, so memory does not grow with the number of segments.
 */
final class SegmentIndex {
    /** "WRSI": a Warren stream index. */
    static final int MAGIC = 0x57525349;
    static final short VERSION = 1;
    // magic u32, version u16, reserved u16, first offset, last offset, records, data end, first ts, max ts (u64
    // each), entry count u32; then entries (offset u64, position u64, max timestamp before i64); then crc32c u32
    static final int HEADER_BYTES = 60;
    static final int ENTRY_BYTES = 24;

    private long[] offsets = new long[16];
    private long[] positions = new long[16];
    private long[] maxBefore = new long[16];
    private int count;

    /** Where a seek starts reading: the record at this file position has this offset. */
    record Start(long offset, long position) {
    }

    synchronized void add(long offset, long position, long maxTimestampBefore) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            positions = Arrays.copyOf(positions, count * 2);
            maxBefore = Arrays.copyOf(maxBefore, count * 2);
        }
        offsets[count] = offset;
        positions[count] = position;
        maxBefore[count] = maxTimestampBefore;
        count++;
    }

    synchronized int size() {
        return count;
    }

    /** The last entry at or before the offset, or null if the offset comes before every entry. */
    synchronized Start floorOffset(long offset) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : new Start(offsets[found], positions[found]);
    }

    /**
     * The last entry before which every record of the segment is older than t: the first record at or after t
     * lies at or after it. Exact even when the clock stepped back, because entries carry the running maximum.
     */
    synchronized Start floorTimestamp(long t) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (maxBefore[mid] < t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : new Start(offsets[found], positions[found]);
    }

    /** Writes the index file of a sealed segment (through a temporary file and a rename; not fsynced: it can be rebuilt). */
    synchronized void write(Path file, StreamSegment seg) throws IOException {
        ByteBuffer b = StreamFormat.newBuffer(HEADER_BYTES + count * ENTRY_BYTES + 4);
        b.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(seg.firstOffset).putLong(seg.lastOffset)
                .putLong(seg.records).putLong(seg.dataEnd).putLong(seg.firstTimestamp).putLong(seg.maxTimestamp)
                .putInt(count);
        for (int i = 0; i < count; i++) {
            b.putLong(offsets[i]).putLong(positions[i]).putLong(maxBefore[i]);
        }
        b.putInt(StreamFormat.crc(b.array(), 0, b.position()));
        b.flip();
        Path tmp = file.resolveSibling(file.getFileName() + StreamFormat.TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            FileIo.writeFully(ch, b, 0);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads an index file; null when it is missing, damaged, or does not describe the segment file as it is (its
     * data end must be the file's size), in which case the segment is scanned instead. With restoreSummary it also
     * sets the segment's counts from it (recovery).
     */
    static SegmentIndex read(Path file, StreamSegment seg, long segmentFileSize, boolean restoreSummary)
            throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (bytes.length < HEADER_BYTES + 4) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int n = b.getInt(HEADER_BYTES - 4);
        if (b.getInt(0) != MAGIC || b.getShort(4) != VERSION || n < 0
                || bytes.length != HEADER_BYTES + (long) n * ENTRY_BYTES + 4
                || b.getInt(bytes.length - 4) != StreamFormat.crc(bytes, 0, bytes.length - 4)
                || b.getLong(8) != seg.firstOffset || b.getLong(32) != segmentFileSize) {
            return null;
        }
        if (restoreSummary) {
            seg.lastOffset = b.getLong(16);
            seg.records = b.getLong(24);
            seg.dataEnd = b.getLong(32);
            seg.firstTimestamp = b.getLong(40);
            seg.maxTimestamp = b.getLong(48);
        }
        SegmentIndex index = new SegmentIndex();
        b.position(HEADER_BYTES);
        for (int i = 0; i < n; i++) {
            index.add(b.getLong(), b.getLong(), b.getLong());
        }
        return index;
    }
}
