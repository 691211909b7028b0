package io.warren.store.stream;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's cursor over a stream: reads messages in offset order from where it was opened, one chunk of a
 * segment file at a time, so its memory is the chunk (plus the current message when that is bigger) however long
 * the stream is. Used by one thread at a time. When retention drops the segment it is on, it moves to the new
 * first offset and counts what it missed in {@link #skipped()}.
 */
public final class StreamReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);

    private final StreamLog log;
    private final RecordCursor cursor;
    private StreamSegment segment;
    private long position;
    private long skipped;
    private boolean closed;

    StreamReader(StreamLog log, long position, int chunkBytes) {
        this.log = log;
        this.position = position;
        this.cursor = new RecordCursor(chunkBytes);
    }

    /** The next message, or null when every message written so far has been read. */
    public StreamRecord next() throws IOException {
        if (closed) {
            throw new IllegalStateException("the reader is closed");
        }
        while (true) {
            long first = log.firstOffset();
            if (position < first) {
                skipped += first - position;
                LOG.debug("reader at {} moved to {}: retention dropped the messages between", position, first);
                position = first;
                leaveSegment();
            }
            if (position >= log.readableOffset()) {
                return null;
            }
            if (segment == null && !enterSegment()) {
                continue;
            }
            // Read before the end: once sealed, the end no longer moves, so nothing can be missed in between.
            boolean sealed = segment.sealed;
            if (cursor.next(segment.dataEnd)) {
                long offset = cursor.offset();
                if (offset < position) {
                    continue; // still seeking forward from the index entry
                }
                position = offset + 1;
                StreamRecord r = StreamFormat.decode(offset, cursor.payload());
                if (r == null) {
                    LOG.warn("{}: message at offset {} has inconsistent lengths; skipped", segment, offset);
                    continue;
                }
                return r;
            }
            if (!sealed) {
                return null;
            }
            StreamSegment following = log.segmentAfter(segment);
            if (following == null) {
                return null;
            }
            if (position < following.firstOffset) {
                position = following.firstOffset; // a damaged record at the end of the segment was skipped
            }
            leaveSegment();
        }
    }

    private boolean enterSegment() throws IOException {
        StreamSegment seg = log.segmentFor(position);
        if (seg == null) {
            return false; // dropped meanwhile: the first-offset check moves us on
        }
        SegmentIndex index = seg.indexForSeek();
        SegmentIndex.Start start = index == null ? null : index.floorOffset(position);
        try {
            cursor.open(seg.file, start == null ? StreamFormat.SEGMENT_HEADER_BYTES : start.position());
        } catch (NoSuchFileException e) {
            if (seg.deleted) {
                return false;
            }
            throw new IOException("segment " + seg.file + " of the stream vanished while still in use", e);
        }
        segment = seg;
        return true;
    }

    private void leaveSegment() throws IOException {
        segment = null;
        cursor.close();
    }

    /** Whether {@link #next} has a message (or a retention jump) to hand out now. */
    public boolean available() {
        return position < log.readableOffset() || position < log.firstOffset();
    }

    /** Runs the action once when more messages are readable than when this was called (at once if some are). */
    public void onAvailable(Runnable action) {
        log.onAvailable(position, action);
    }

    /** The offset the next message read will have (at least). */
    public long position() {
        return position;
    }

    /** How many offsets the reader jumped over because retention dropped them before it got there. */
    public long skipped() {
        return skipped;
    }

    /** The bytes of read buffer this reader holds now. */
    public int bufferedBytes() {
        return cursor.bufferedCapacity();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        leaveSegment();
    }
}
