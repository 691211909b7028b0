package io.warren.store.stream;

import io.warren.store.FileIo;
import io.warren.store.RecordScanner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a stream directory: sealed segments take their counts and timestamps from their index files (scanned
 * only when that file is missing or stale), the last segment is scanned record by record and cut back to its last
 * whole record. One segment is read at a time, so memory does not depend on the stream's length.
 */
final class StreamRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRecovery.class);

    private StreamRecovery() {
    }

    /** The segments in offset order, the last one ready to be written (its sparse index in memory). */
    static List<StreamSegment> recover(Path dir, StreamSettings settings) throws IOException {
        Files.createDirectories(dir);
        TreeMap<Long, Path> segmentFiles = new TreeMap<>();
        List<Path> indexFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (name.endsWith(StreamFormat.TMP_SUFFIX)) {
                    Files.delete(p); // an index or tracking rewrite cut short; the original is still there
                } else if (StreamFormat.offsetOf(name, StreamFormat.SEGMENT_SUFFIX) >= 0) {
                    segmentFiles.put(StreamFormat.offsetOf(name, StreamFormat.SEGMENT_SUFFIX), p);
                } else if (StreamFormat.offsetOf(name, StreamFormat.INDEX_SUFFIX) >= 0) {
                    indexFiles.add(p);
                }
            }
        }
        for (Path idx : indexFiles) {
            long off = StreamFormat.offsetOf(idx.getFileName().toString(), StreamFormat.INDEX_SUFFIX);
            if (!segmentFiles.containsKey(off)) {
                Files.delete(idx); // its segment was dropped by retention just before a crash
            }
        }
        List<StreamSegment> segments = new ArrayList<>();
        long lastOffset = -1;
        for (var e : segmentFiles.entrySet()) {
            boolean last = e.getKey().equals(segmentFiles.lastKey());
            StreamSegment seg = new StreamSegment(dir, e.getKey(), settings.indexIntervalBytes());
            if (seg.firstOffset <= lastOffset) {
                throw new IOException(seg.file + " starts at offset " + seg.firstOffset + " but the segment before it "
                        + "ends at " + lastOffset + "; the stream directory " + dir + " is inconsistent");
            }
            long size = Files.size(seg.file);
            if (size < StreamFormat.SEGMENT_HEADER_BYTES) {
                if (!last) {
                    LOG.warn("{}: {} bytes, shorter than a segment header; deleted", seg.file, size);
                    seg.delete();
                    continue;
                }
                rewriteHeader(seg); // created just before a crash: start it again, empty
                size = StreamFormat.SEGMENT_HEADER_BYTES;
            }
            if (last) {
                Files.deleteIfExists(seg.indexFile); // the segment being written keeps its index in memory
                seg.index = scan(seg, size, settings);
            } else {
                if (SegmentIndex.read(seg.indexFile, seg, size, true) == null) {
                    SegmentIndex index = scan(seg, size, settings);
                    index.write(seg.indexFile, seg);
                }
                seg.sealed = true;
            }
            if (seg.records > 0) {
                lastOffset = seg.lastOffset;
            }
            segments.add(seg);
        }
        if (segments.isEmpty()) {
            StreamSegment first = new StreamSegment(dir, 0, settings.indexIntervalBytes());
            rewriteHeader(first);
            FileIo.forceDirectory(dir);
            first.index = new SegmentIndex();
            segments.add(first);
        }
        return segments;
    }

    private static void rewriteHeader(StreamSegment seg) throws IOException {
        try (FileChannel ch = FileChannel.open(seg.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            FileIo.writeFully(ch, StreamFormat.segmentHeader(seg.firstOffset), 0);
            ch.force(false);
        }
    }

    /**
     * Reads every record of the segment, rebuilding its counts and sparse index, and cuts the file back to the end
     * of the last whole record in order (a torn tail, a bad checksum at the end, an offset out of order).
     */
    private static SegmentIndex scan(StreamSegment seg, long size, StreamSettings settings) throws IOException {
        SegmentIndex index = new SegmentIndex();
        try (FileChannel ch = FileChannel.open(seg.file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = StreamFormat.newBuffer(StreamFormat.SEGMENT_HEADER_BYTES);
            FileIo.readFully(ch, header, 0);
            if (!StreamFormat.validSegmentHeader(header.flip(), seg.firstOffset)) {
                LOG.warn("{}: damaged segment header; reading its records anyway", seg.file);
            }
            RecordScanner scanner = new RecordScanner(ch, seg.file, StreamFormat.SEGMENT_HEADER_BYTES, size, false,
                    settings.readChunkBytes());
            long end = StreamFormat.SEGMENT_HEADER_BYTES;
            String cutReason = null;
            while (scanner.next()) {
                long offset = scanner.seq();
                ByteBuffer payload = scanner.copyPayload();
                if (offset < seg.firstOffset || offset <= seg.lastOffset && seg.records > 0 || payload.remaining() < 8) {
                    cutReason = "offset " + offset + " out of order";
                    break;
                }
                seg.added(offset, scanner.recordOffset(), StreamFormat.timestampOf(payload), index);
                end = scanner.position();
            }
            if (cutReason == null && scanner.stoppedAt() >= 0) {
                cutReason = scanner.stopReason();
            }
            if (end < size) {
                LOG.warn("{}: cut {} bytes after the last whole record at position {} ({})", seg.file, size - end, end,
                        cutReason == null ? "trailing bytes" : cutReason);
                ch.truncate(end);
            }
            // What the process wrote before it died may still be only in the page cache: the log counts all of
            // it as durable from now on, so make it so.
            ch.force(false);
            seg.dataEnd = end;
        }
        return index;
    }
}
