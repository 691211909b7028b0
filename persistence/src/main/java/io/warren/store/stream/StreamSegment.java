package io.warren.store.stream;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One segment file of a stream and what is known about it in memory: its offsets, counts, timestamps and, while
 * it is written, its sparse index. Written by the log's writer; read by readers on any thread, so the fields
 * readers look at are volatile and {@link #dataEnd} is published last.
 */
final class StreamSegment {
    final long firstOffset;
    final Path file;
    final Path indexFile;

    /** Offset of the last record readable in it; firstOffset - 1 while it has none. */
    volatile long lastOffset;
    volatile long records;
    /** End of the last complete record written: readers read up to here. */
    volatile long dataEnd = StreamFormat.SEGMENT_HEADER_BYTES;
    volatile long firstTimestamp = Long.MIN_VALUE;
    /** The newest timestamp in it: the whole segment is older than this. */
    volatile long maxTimestamp = Long.MIN_VALUE;
    volatile boolean sealed;
    volatile boolean deleted;

    /** In memory while written (and after recovery scanned it); null for a sealed one, whose index is on disk. */
    volatile SegmentIndex index;
    /** File position from which the next index entry is due. */
    long nextIndexAt = StreamFormat.SEGMENT_HEADER_BYTES;
    /** Write channel of the active segment. */
    FileChannel channel;

    private final int intervalBytes;

    StreamSegment(Path dir, long firstOffset, int intervalBytes) {
        this.firstOffset = firstOffset;
        this.intervalBytes = intervalBytes;
        this.file = dir.resolve(StreamFormat.segmentName(firstOffset));
        this.indexFile = dir.resolve(StreamFormat.indexName(firstOffset));
        this.lastOffset = firstOffset - 1;
    }

    /** Notes a record written at the position (writer only, before {@link #dataEnd} is moved past it). */
    void added(long offset, long position, long timestamp, SegmentIndex into) {
        if (position >= nextIndexAt) {
            into.add(offset, position, maxTimestamp);
            nextIndexAt = position + intervalBytes;
        }
        if (records == 0) {
            firstTimestamp = timestamp;
        }
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
        }
        records++;
        lastOffset = offset;
    }

    /** The sparse index for a seek: the in-memory one, or the one in the index file (null if unreadable). */
    SegmentIndex indexForSeek() throws IOException {
        SegmentIndex i = index;
        if (i != null) {
            return i;
        }
        return SegmentIndex.read(indexFile, this, dataEnd, false);
    }

    /** The segment's size on disk. */
    long bytes() {
        return dataEnd;
    }

    /** Removes the files: the segment first, so a crash in between leaves an index that recovery discards. */
    void delete() throws IOException {
        deleted = true;
        if (channel != null) {
            channel.close();
            channel = null;
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(indexFile);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
