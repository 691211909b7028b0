package io.warren.store;

import static io.warren.store.RecordFormat.SEGMENT_HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue's log of records: segmented, append-only files with a checksum per record, plus per-segment
 * acknowledgement files. Single writer: every method except the listener callbacks is called from one thread
 * (the queue's own), so nothing here takes a lock on the append path.
 *
 * <p>Callers ack and mark delivered only sequence numbers of records in the log (appended, or handed out by
 * {@link #read}); acking twice is harmless. Ack-file entries are buffered and written on {@link #flush},
 * {@link #read} and {@link #close} (or when 128 have gathered); they are never fsynced.
 */
public final class QueueLog {
    private static final Logger LOG = LoggerFactory.getLogger(QueueLog.class);
    private static final int READ_CHUNK = RecordScanner.DEFAULT_CHUNK;

    private final Path dir;
    private final StoreSettings settings;
    private final GroupCommitter committer;
    private final ChannelOpener opener;
    private final Runnable onClose;
    private final DurabilityTracker durability;
    private final AppendBuffer appends = new AppendBuffer();
    private final AckWriter ackWriter = new AckWriter();

    /** Segments in order; every one has records except possibly the current one, which is last. */
    private final List<Segment> segments;
    private Segment current;
    /** See {@link LogRecovery.Result#carrier()}; deleted once a newer segment exists. */
    private Segment carrier;
    private long nextSegmentNumber;

    private final long recoveredCount;
    private final long recoveredBytes;
    private long lastSeq;
    private long flushedLastSeq;
    /** Bytes written this session across all segments: the positions durability listeners wait for. */
    private long written;

    // Read cursor: every live record with seq >= cursorSeq is at or after cursorOffset in cursorSegment.
    private Segment cursorSegment;
    private long cursorOffset;
    private long cursorSeq;

    /** Set while a sink runs; segment deletion and compaction wait until the read is over. */
    private boolean reading;
    private final List<Segment> maintainAfterRead = new ArrayList<>();
    private boolean closed;

    QueueLog(Path dir, StoreSettings settings, GroupCommitter committer, ChannelOpener opener, Runnable onClose,
             LogRecovery.Result recovered) {
        this.dir = dir;
        this.settings = settings;
        this.committer = committer;
        this.opener = opener;
        this.onClose = onClose;
        this.durability = new DurabilityTracker(dir);
        this.segments = new ArrayList<>(recovered.segments());
        this.carrier = recovered.carrier();
        this.nextSegmentNumber = recovered.nextSegmentNumber();
        this.recoveredCount = recovered.liveCount();
        this.recoveredBytes = recovered.liveBytes();
        this.lastSeq = recovered.lastSeq();
        this.flushedLastSeq = lastSeq;
    }

    /** Live persistent records found on disk when the log was opened. */
    public long recoveredCount() {
        return recoveredCount;
    }

    /** Total payload bytes of those records. */
    public long recoveredBytes() {
        return recoveredBytes;
    }

    /** The highest sequence number ever appended (-1 for none), so the owner continues numbering after it. */
    public long lastSeq() {
        return lastSeq;
    }

    /**
     * Appends a record (buffered until {@link #flush}). Sequence numbers must increase with every append.
     * Non-persistent records are for paging only: they are never fsynced on their own account and are dropped
     * when the log is opened again. The payload buffers must stay unchanged until the next flush returns; their
     * positions are left as they are.
     */
    public void append(long seq, boolean persistent, ByteBuffer... payload) throws IOException {
        checkWritable();
        if (seq <= lastSeq) {
            throw new IllegalArgumentException("seq " + seq + " does not follow " + lastSeq);
        }
        if (current == null) {
            startSegment();
        } else if (current.dataEnd + appends.bytes() >= settings.segmentBytes()
                && (current.records > 0 || !appends.isEmpty())) {
            flush();
            rollOver();
            startSegment();
        }
        appends.add(seq, persistent, payload);
        lastSeq = seq;
    }

    /**
     * Writes the buffered appends to the file (no fsync). On failure (disk full) the segment is cut back to its
     * last complete record, the failed records are forgotten, and the exception says so. Also writes buffered
     * ack-file entries.
     */
    public void flush() throws IOException {
        checkWritable();
        if (!appends.isEmpty()) {
            writeAppends();
        }
        ackWriter.writeOut();
    }

    private void writeAppends() throws IOException {
        Segment seg = current;
        long n;
        try {
            n = appends.writeTo(seg.channel);
        } catch (IOException e) {
            int dropped = appends.records();
            appends.clear();
            try {
                seg.channel.truncate(seg.dataEnd);
                seg.channel.position(seg.dataEnd);
            } catch (IOException again) {
                e.addSuppressed(again);
                durability.fail(new IOException("cannot cut " + seg.file + " back to its last record", again));
            }
            throw new IOException(seg.file + ": write failed, " + dropped + " records were not stored; the segment is "
                    + "cut back to its last complete record at offset " + seg.dataEnd, e);
        }
        for (int i = 0; i < appends.records(); i++) {
            seg.added(appends.seq(i), appends.persistent(i), appends.length(i));
        }
        seg.dataEnd += n;
        flushedLastSeq = appends.lastSeq();
        long start = written;
        written += n;
        if (appends.persistentEnd() > 0) {
            durability.persistentWritten(start + appends.persistentEnd());
            committer.written(durability, appends.persistentEnd());
        }
        appends.clear();
    }

    /**
     * Runs the listener once every persistent record appended so far is fsynced. Buffered appends are flushed
     * first; if that fails the listener is told at once.
     */
    public void whenDurable(DurabilityListener listener) {
        if (!appends.isEmpty() && !closed) {
            try {
                flush();
            } catch (IOException e) {
                listener.failed(e);
                return;
            }
        }
        durability.whenDurable(listener);
    }

    /** Records that the record was handed to a consumer, so it comes back redelivered after a crash. Not fsynced. */
    public void markDelivered(long seq) throws IOException {
        Segment seg = segmentFor(seq);
        if (seg != null && seg.holds(seq) && !seg.acked.contains(seq) && seg.delivered.add(seq)) {
            ackWriter.add(seg, AckFile.DELIVERED, seq, 0);
        }
    }

    /** The record is finished with (acked, or dropped); its segment goes once all of its records are. Not fsynced. */
    public void ack(long seq) throws IOException {
        Segment seg = segmentFor(seq);
        if (seg == null || !seg.holds(seq) || !seg.acked.add(seq)) {
            return;
        }
        if (seg.live > 0) {
            seg.live--;
        }
        ackWriter.add(seg, AckFile.ACK, seq, 0);
        maintain(seg);
    }

    /** Acks every record with a sequence number of at least {@code seq} (a purge of the never-delivered tail). */
    public void ackFrom(long seq) throws IOException {
        checkOpen();
        if (!appends.isEmpty()) {
            flush();
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment seg = segments.get(i);
            if (seg.records == 0 || seg.lastSeq < seq) {
                continue;
            }
            if (seg.sealed && seg.firstSeq >= seq && !reading) {
                seg.live = 0;
                maintain(seg); // wholly purged: no need to look inside
                continue;
            }
            RecordScanner scanner = new RecordScanner(seg.readChannel(), seg.file, SEGMENT_HEADER_BYTES, seg.dataEnd,
                    seg.sealed, READ_CHUNK);
            while (scanner.next()) {
                long s = scanner.seq();
                if (s >= seq && seg.isLive(s, scanner.persistent())) {
                    seg.acked.add(s);
                    seg.live--;
                }
            }
            releaseChannel(seg);
            ackWriter.add(seg, AckFile.ACK_FROM, seq, seg.lastSeq);
            boolean earlierSegmentsUntouched = seg.firstSeq < seq;
            maintain(seg);
            if (earlierSegmentsUntouched) {
                break;
            }
        }
    }

    /**
     * Reads live records with sequence numbers of at least {@code fromSeq}, in order, until {@code maxRecords}
     * or {@code maxBytes} of payload have been handed to the sink. Returns how many were read (0 at the end).
     * At least one record is returned if there is one, however large. Consecutive reads continue where the last
     * one stopped instead of searching again.
     */
    public int read(long fromSeq, int maxRecords, long maxBytes, RecordSink sink) throws IOException {
        checkOpen();
        if (maxRecords <= 0) {
            return 0;
        }
        if (!appends.isEmpty() && durability.failure() == null) {
            flush();
        }
        int count = 0;
        long bytes = 0;
        reading = true;
        try {
            int idx = Math.max(0, floorIndex(fromSeq));
            long offset = SEGMENT_HEADER_BYTES;
            int cursorIdx = cursorSegment == null ? -1 : segments.indexOf(cursorSegment);
            if (cursorIdx >= idx && fromSeq >= cursorSeq) {
                idx = cursorIdx;
                offset = cursorOffset;
            }
            cursorSeq = fromSeq;
            for (; idx < segments.size(); idx++, offset = SEGMENT_HEADER_BYTES) {
                Segment seg = segments.get(idx);
                moveCursorTo(seg, offset);
                if (seg.live == 0 || seg.lastSeq < fromSeq || offset >= seg.dataEnd) {
                    continue;
                }
                RecordScanner scanner = new RecordScanner(seg.readChannel(), seg.file, offset, seg.dataEnd, seg.sealed,
                        READ_CHUNK);
                while (scanner.next()) {
                    long s = scanner.seq();
                    if (s < fromSeq || !seg.isLive(s, scanner.persistent())) {
                        cursorOffset = scanner.position();
                        continue;
                    }
                    int length = scanner.payloadLength();
                    if (count > 0 && bytes + length > maxBytes) {
                        return count; // the cursor stays just before this record
                    }
                    sink.record(s, scanner.persistent(), seg.delivered.contains(s), scanner.copyPayload());
                    count++;
                    bytes += length;
                    cursorOffset = scanner.position();
                    cursorSeq = s + 1;
                    if (count >= maxRecords || bytes >= maxBytes) {
                        return count;
                    }
                }
                if (scanner.stoppedAt() >= 0) {
                    LOG.warn("{}: records from offset {} on are unreadable ({}); skipping to the next segment",
                            seg.file, scanner.stoppedAt(), scanner.stopReason());
                }
                cursorOffset = seg.dataEnd;
            }
            return count;
        } finally {
            reading = false;
            ackWriter.writeOut();
            for (Segment seg : maintainAfterRead) {
                maintain(seg);
            }
            maintainAfterRead.clear();
        }
    }

    /** Closes the files and removes the log from disk (the queue was deleted). */
    public void delete() throws IOException {
        // Once closed, the same log may have been opened again elsewhere; deleting it from here would pull its files
        // away from under that owner. MessageStore.deleteLog checks that it is not open.
        checkOpen();
        closed = true;
        appends.clear();
        durability.abandon(new IOException("log " + dir + " was deleted"));
        // the name is freed only once the files are gone: a log of the same name opened meanwhile must not
        // find (and recover) the files this deletion is about to remove
        try {
            closeFiles();
            LogDirectory.delete(dir);
        } finally {
            onClose.run();
        }
    }

    /** Closes the files, keeping them. */
    public void close() throws IOException {
        if (closed) {
            return;
        }
        IOException failure = null;
        try {
            if (durability.failure() == null) {
                flush();
                if (current != null && current.records > 0) {
                    writeFooter(current); // so the next open can take this segment from its footer
                }
            }
            durability.segmentFinished(true);
        } catch (IOException e) {
            failure = e;
        } finally {
            closed = true;
            appends.clear();
            try {
                closeFiles();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            onClose.run();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void closeFiles() throws IOException {
        IOException failure = null;
        List<Segment> all = new ArrayList<>(segments);
        if (carrier != null) {
            all.add(carrier);
        }
        for (Segment seg : all) {
            try {
                seg.closeChannel();
                seg.acks.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void startSegment() throws IOException {
        long number = nextSegmentNumber++;
        Segment seg = new Segment(dir, number, false, lastSeq);
        FileChannel ch = opener.open(seg.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileIo.writeFully(ch, RecordFormat.segmentHeader(number, lastSeq));
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(seg.file);
            throw e;
        }
        seg.channel = ch;
        seg.dataEnd = SEGMENT_HEADER_BYTES;
        segments.add(seg);
        current = seg;
        durability.segmentStarted(ch);
        if (carrier != null) {
            carrier.delete();
            carrier = null;
        }
    }

    /** Seals the current (flushed) segment: footer, fsync if it holds unsynced persistent records, close. */
    private void rollOver() throws IOException {
        Segment seg = current;
        writeFooter(seg);
        durability.segmentFinished(false);
        seg.sealed = true;
        current = null;
        if (seg != cursorSegment) {
            seg.closeChannel();
        }
        maintain(seg);
    }

    private void writeFooter(Segment seg) {
        try {
            FileIo.writeFully(seg.channel, seg.footer().encode(), seg.dataEnd);
        } catch (IOException e) {
            // Only an optimisation for the next recovery, which scans a segment without one.
            LOG.warn("{}: could not write the footer; the next recovery will scan this segment", seg.file, e);
            try {
                seg.channel.truncate(seg.dataEnd);
            } catch (IOException again) {
                LOG.warn("{}: could not cut the partial footer either; recovery will cut it", seg.file, again);
            }
        }
    }

    /** Deletes a sealed segment nothing in which is live, or compacts one that is mostly dead. */
    private void maintain(Segment seg) throws IOException {
        if (!seg.sealed || closed) {
            return;
        }
        if (reading) {
            if (!maintainAfterRead.contains(seg)) {
                maintainAfterRead.add(seg);
            }
            return;
        }
        if (seg.live == 0) {
            deleteSegment(seg);
        } else if (!seg.compactionFailed && seg.live < settings.compactBelow() * seg.records) {
            compact(seg);
        }
    }

    private void deleteSegment(Segment seg) throws IOException {
        ackWriter.discard(seg);
        segments.remove(seg);
        if (cursorSegment == seg) {
            cursorSegment = null;
        }
        seg.delete();
    }

    private void compact(Segment seg) throws IOException {
        ackWriter.discard(seg);
        seg.acks.close();
        seg.closeChannel();
        long kept;
        try {
            kept = SegmentCompactor.compact(dir, seg);
        } catch (IOException e) {
            // The originals stay in place (renames are atomic), so the log is as it was, just not smaller.
            // e.g. a full disk: not tried again for this segment in this session, rather than on every ack
            seg.compactionFailed = true;
            LOG.warn("{}: compaction failed; keeping the segment as it is", seg.file, e);
            Files.deleteIfExists(seg.file.resolveSibling(seg.file.getFileName() + ".tmp"));
            return;
        }
        if (kept == 0) {
            deleteSegment(seg);
        } else if (cursorSegment == seg) {
            cursorOffset = SEGMENT_HEADER_BYTES; // offsets moved; the cursor finds its place again by seq
        }
    }

    private void moveCursorTo(Segment seg, long offset) throws IOException {
        if (cursorSegment != seg && cursorSegment != null) {
            releaseChannel(cursorSegment);
        }
        cursorSegment = seg;
        cursorOffset = offset;
    }

    /** Closes a sealed segment's read channel unless the cursor is still in it. */
    private void releaseChannel(Segment seg) throws IOException {
        if (seg != current && seg != cursorSegment) {
            seg.closeChannel();
        }
    }

    /** The index of the last segment whose first seq is at most seq, or -1 if there is none. */
    private int floorIndex(long seq) {
        int lo = 0;
        int hi = segments.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Segment s = segments.get(mid);
            long first = s.records == 0 ? Long.MAX_VALUE : s.firstSeq;
            if (first <= seq) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The segment holding the seq (flushing first if the record is still buffered), or null if there is none. */
    private Segment segmentFor(long seq) throws IOException {
        checkOpen();
        if (seq > flushedLastSeq && seq <= lastSeq && !appends.isEmpty()) {
            flush();
        }
        int idx = floorIndex(seq);
        if (idx < 0) {
            return null;
        }
        Segment seg = segments.get(idx);
        return seg.contains(seq) ? seg : null;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("log " + dir + " is closed");
        }
    }

    private void checkWritable() throws IOException {
        checkOpen();
        IOException failure = durability.failure();
        if (failure != null) {
            throw new IOException("log " + dir + " failed to fsync earlier and takes no more appends", failure);
        }
    }
}
