package io.warren.store.stream;

import io.warren.store.AppendBuffer;
import io.warren.store.DurabilityListener;
import io.warren.store.DurabilityTracker;
import io.warren.store.FileIo;
import io.warren.store.GroupCommitter;
import io.warren.store.RecordFormat;
import io.warren.store.StoreSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream: an append-only log of messages, each with an offset, in a directory of segment files named by their
 * first offset. One thread at a time appends (the methods that change the log are synchronized); any number of
 * {@link StreamReader}s read it concurrently from their own offsets. Appends are buffered and written by
 * {@link #flush} (or once {@link StreamSettings#flushBytes} gather); readers see what is written; the store's
 * group commit fsyncs it, and {@link #whenDurable} says when.
 */
public final class StreamLog implements AutoCloseable {
    static final String LOCK_FILE = "stream.lock";

    private final Path dir;
    private final StreamSettings settings;
    private final GroupCommitter committer;
    private final boolean ownsCommitter;
    private final DurabilityTracker durability;
    private final ConcurrentSkipListMap<Long, StreamSegment> segments = new ConcurrentSkipListMap<>();
    private final AppendBuffer appends = new AppendBuffer();
    private final ConcurrentLinkedQueue<Runnable> availabilityWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong durableNext;
    private final OffsetTracking tracking;
    private final FileLock lock;

    private long[] pendingTimestamps = new long[64];
    /** A segment rolls over once it would exceed this; settable while open (a policy's segment size). */
    private volatile long maxSegmentBytes;
    private StreamSegment active;
    /** Bytes written in this session, across segments: the durability tracker's positions. */
    private long written;
    private volatile long next;
    /** Records below this offset are in the files, readable. */
    private volatile long readableNext;
    private volatile long firstOffset;
    private volatile long totalBytes;
    private volatile long totalRecords;
    private volatile boolean closed;

    private StreamLog(Path dir, StreamSettings settings, GroupCommitter committer, boolean ownsCommitter,
                      FileLock lock, List<StreamSegment> recovered) throws IOException {
        this.dir = dir;
        this.lock = lock;
        this.settings = settings;
        this.committer = committer;
        this.ownsCommitter = ownsCommitter;
        this.durability = new DurabilityTracker(dir);
        this.maxSegmentBytes = settings.maxSegmentBytes();
        long bytes = 0;
        long records = 0;
        for (StreamSegment s : recovered) {
            segments.put(s.firstOffset, s);
            bytes += s.bytes();
            records += s.records;
        }
        this.totalBytes = bytes;
        this.totalRecords = records;
        this.active = recovered.get(recovered.size() - 1);
        this.next = active.lastOffset + 1;
        this.readableNext = next;
        this.durableNext = new AtomicLong(next);
        this.firstOffset = segments.firstKey();
        this.active.channel = FileChannel.open(active.file, StandardOpenOption.WRITE);
        try {
            this.active.channel.position(active.dataEnd);
            durability.segmentStarted(active.channel);
            this.tracking = OffsetTracking.open(dir, committer);
        } catch (IOException | RuntimeException e) {
            active.channel.close();
            throw e;
        }
    }

    /**
     * Opens (creating if needed) the stream in the directory, recovering it after a crash, fsynced by the given
     * group committer (the message store's, {@code MessageStore.committer()}, in the broker).
     */
    public static StreamLog open(Path dir, StreamSettings settings, GroupCommitter committer) throws IOException {
        return open(dir, settings, committer, false);
    }

    /** As {@link #open(Path, StreamSettings, GroupCommitter)} with a sync thread of its own, stopped by close. */
    public static StreamLog open(Path dir, StreamSettings settings) throws IOException {
        settings.validate();
        GroupCommitter own = new GroupCommitter("warren-stream-sync " + dir.getFileName(), StoreSettings.defaults());
        own.start();
        try {
            return open(dir, settings, own, true);
        } catch (IOException | RuntimeException e) {
            own.stop();
            throw e;
        }
    }

    private static StreamLog open(Path dir, StreamSettings settings, GroupCommitter committer, boolean owns)
            throws IOException {
        settings.validate();
        FileLock lock = lockDirectory(dir);
        try {
            return new StreamLog(dir, settings, committer, owns, lock, StreamRecovery.recover(dir, settings));
        } catch (IOException | RuntimeException e) {
            unlock(lock);
            throw e;
        }
    }

    /** Two logs writing one directory would corrupt each other's segments: the OS lock makes the second fail. */
    private static FileLock lockDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("the stream in " + dir + " is already open");
        }
        return lock;
    }

    private static void unlock(FileLock lock) throws IOException {
        try {
            lock.release();
        } finally {
            lock.channel().close();
        }
    }

    /**
     * Appends a message and returns its offset. The arrays are referenced, not copied, until the next flush: do
     * not change them before then. Filter values may be empty.
     */
    public synchronized long append(byte[] header, byte[] body, long timestampMillis, List<String> filterValues)
            throws IOException {
        checkOpen();
        ByteBuffer meta = StreamFormat.encodeMeta(timestampMillis, filterValues, header.length);
        long size = RecordFormat.RECORD_HEADER_BYTES + (long) meta.remaining() + header.length + body.length;
        if (size - RecordFormat.RECORD_HEADER_BYTES > RecordFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("a message of " + size + " bytes exceeds the stream's limit of "
                    + RecordFormat.MAX_PAYLOAD_BYTES);
        }
        if ((active.records > 0 || !appends.isEmpty())
                && active.dataEnd + appends.bytes() + size > maxSegmentBytes) {
            flush();
            rollOver();
        }
        long offset = next;
        int i = appends.records();
        if (i == pendingTimestamps.length) {
            pendingTimestamps = Arrays.copyOf(pendingTimestamps, i * 2);
        }
        appends.add(offset, true, new ByteBuffer[] {meta, ByteBuffer.wrap(header), ByteBuffer.wrap(body)});
        pendingTimestamps[i] = timestampMillis;
        next = offset + 1;
        if (appends.bytes() >= settings.flushBytes()) {
            flush();
        }
        return offset;
    }

    /** Writes the buffered appends to the segment (no fsync), making them readable. */
    public synchronized void flush() throws IOException {
        checkOpen();
        if (appends.isEmpty()) {
            return;
        }
        StreamSegment seg = active;
        long start = seg.dataEnd;
        long n;
        try {
            n = appends.writeTo(seg.channel);
        } catch (IOException e) {
            long firstLost = appends.seq(0);
            int lost = appends.records();
            appends.clear();
            next = firstLost;
            try {
                seg.channel.truncate(start);
                seg.channel.position(start);
            } catch (IOException again) {
                e.addSuppressed(again);
                durability.fail(new IOException("cannot cut " + seg.file + " back to its last record", again));
            }
            throw new IOException(seg.file + ": write failed, " + lost + " messages from offset " + firstLost
                    + " were not stored", e);
        }
        long pos = start;
        int count = appends.records();
        for (int i = 0; i < count; i++) {
            seg.added(appends.seq(i), pos, pendingTimestamps[i], seg.index);
            pos += RecordFormat.RECORD_HEADER_BYTES + appends.length(i);
        }
        long last = appends.seq(count - 1);
        appends.clear();
        seg.dataEnd = pos;
        totalBytes += n;
        totalRecords += count;
        readableNext = last + 1;
        written += n;
        durability.persistentWritten(written);
        committer.written(durability, n);
        durability.whenDurable(new DurabilityListener() {
            @Override
            public void durable() {
                durableNext.accumulateAndGet(last + 1, Math::max);
            }

            @Override
            public void failed(IOException cause) {
                // The appender hears of it through its own listeners; the durable offset just stops moving.
            }
        });
        Runnable r;
        while ((r = availabilityWaiters.poll()) != null) {
            r.run();
        }
    }

    /** Runs the listener once every message appended so far is fsynced (flushing first). */
    public void whenDurable(DurabilityListener listener) {
        synchronized (this) {
            if (!appends.isEmpty() && !closed) {
                try {
                    flush();
                } catch (IOException e) {
                    listener.failed(e);
                    return;
                }
            }
        }
        durability.whenDurable(listener);
    }

    /** Seals the active segment (fsynced, its index written) and starts a new one at the next offset. */
    private void rollOver() throws IOException {
        StreamSegment old = active;
        durability.segmentFinished(false);
        old.channel.close();
        old.channel = null;
        old.index.write(old.indexFile, old);
        StreamSegment seg = new StreamSegment(dir, next, settings.indexIntervalBytes());
        seg.index = new SegmentIndex();
        seg.channel = FileChannel.open(seg.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileIo.writeFully(seg.channel, StreamFormat.segmentHeader(seg.firstOffset));
        durability.segmentStarted(seg.channel);
        // Sealed before the new segment is visible: a reader that finds a later segment knows this one is final.
        old.sealed = true;
        segments.put(seg.firstOffset, seg);
        active = seg;
        old.index = null;
        totalBytes += StreamFormat.SEGMENT_HEADER_BYTES;
    }

    /**
     * Drops whole segments from the oldest while the stream holds more than maxBytes or maxCount, or while the
     * oldest segment's newest message is older than maxAgeMillis at nowMillis. The segment being written is
     * never dropped. A negative limit means none. Returns the number of segments dropped.
     */
    public synchronized int enforce(long maxBytes, long maxAgeMillis, long maxCount, long nowMillis)
            throws IOException {
        checkOpen();
        int dropped = 0;
        while (true) {
            StreamSegment oldest = segments.firstEntry().getValue();
            if (oldest == active) {
                return dropped;
            }
            boolean over = (maxBytes >= 0 && totalBytes > maxBytes) || (maxCount >= 0 && totalRecords > maxCount)
                    || (maxAgeMillis >= 0 && (oldest.records == 0 || nowMillis - oldest.maxTimestamp > maxAgeMillis));
            if (!over) {
                return dropped;
            }
            // The new first offset is published before the file goes, so a reader on it knows to move on.
            segments.remove(oldest.firstOffset);
            firstOffset = segments.firstKey();
            totalBytes -= oldest.bytes();
            totalRecords -= oldest.records;
            oldest.delete();
            dropped++;
        }
    }

    /**
     * The first offset whose message has a timestamp at or after t (the clock may have stepped back: this is the
     * first such message in offset order), or {@link #nextOffset()} if there is none.
     */
    public long offsetAt(long timestampMillis) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return searchTimestamp(timestampMillis);
            } catch (NoSuchFileException e) {
                if (attempt >= 3) {
                    throw e; // retention raced us that often? then the file is gone for another reason
                }
            }
        }
    }

    private long searchTimestamp(long t) throws IOException {
        for (StreamSegment seg : segments.values()) {
            if (seg.records == 0 || seg.maxTimestamp < t) {
                continue;
            }
            SegmentIndex index = seg.indexForSeek();
            SegmentIndex.Start start = index == null ? null : index.floorTimestamp(t);
            try (RecordCursor cursor = new RecordCursor(settings.readChunkBytes())) {
                cursor.open(seg.file, start == null ? StreamFormat.SEGMENT_HEADER_BYTES : start.position());
                long end = seg.dataEnd;
                while (cursor.next(end)) {
                    if (StreamFormat.timestampOf(cursor.payload()) >= t) {
                        return cursor.offset();
                    }
                }
            }
        }
        return nextOffset();
    }

    /** A reader starting at the offset, clamped to [{@link #firstOffset()}, {@link #nextOffset()}]. */
    public StreamReader reader(long offset) {
        checkOpen();
        long from = Math.max(firstOffset, Math.min(offset, next));
        return new StreamReader(this, from, settings.readChunkBytes());
    }

    /**
     * Runs the action once, on the appending thread, after the next flush that makes more messages readable, or
     * at once if messages from offset on are readable already. It runs while the log is locked for appending:
     * keep it short (wake or schedule the consumer, do not read here).
     */
    public void onAvailable(long offset, Runnable action) {
        availabilityWaiters.add(action);
        // A flush between the caller's check and the add would not have seen this waiter.
        if (offset < readableNext && availabilityWaiters.remove(action)) {
            action.run();
        }
    }

    /**
     * Changes the segment size from the next append on: the segment being written rolls over once the next message
     * would take it past the new size (at once, then, when it is already bigger); sealed segments stay as they are.
     * A size too small for a segment's header is raised to the smallest usable one. Any thread.
     */
    public void maxSegmentBytes(long bytes) {
        maxSegmentBytes = Math.max(bytes, StreamFormat.SEGMENT_HEADER_BYTES + 1L);
    }

    /** The segment size in force. */
    public long maxSegmentBytes() {
        return maxSegmentBytes;
    }

    /** The durable per-consumer offsets of this stream. */
    public OffsetTracking tracking() {
        return tracking;
    }

    /** The oldest offset still stored (the next offset when the stream is empty). */
    public long firstOffset() {
        return firstOffset;
    }

    /** The offset the next append gets. */
    public long nextOffset() {
        return next;
    }

    /** The newest offset appended ({@link #nextOffset()} - 1; below {@link #firstOffset()} when empty). */
    public long lastOffset() {
        return next - 1;
    }

    /** Messages below this offset are written to the files and readable. */
    public long readableOffset() {
        return readableNext;
    }

    /** Messages below this offset are fsynced. */
    public long durableOffset() {
        return durableNext.get();
    }

    /** Messages stored (written, not just buffered). */
    public long count() {
        return totalRecords;
    }

    /** Bytes of the segment files. */
    public long bytes() {
        return totalBytes;
    }

    /** The number of segment files, the one being written included. */
    public int segmentCount() {
        return segments.size();
    }

    /** The directory the segments are in. */
    public Path directory() {
        return dir;
    }

    StreamSegment segmentFor(long offset) {
        Map.Entry<Long, StreamSegment> e = segments.floorEntry(offset);
        return e == null ? null : e.getValue();
    }

    StreamSegment segmentAfter(StreamSegment seg) {
        Map.Entry<Long, StreamSegment> e = segments.higherEntry(seg.firstOffset);
        return e == null ? null : e.getValue();
    }

    /** Flushes, fsyncs and closes the stream and its offset tracking. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
            closed = true;
            durability.segmentFinished(true);
            active.channel.close();
            active.channel = null;
            tracking.close();
        } finally {
            closed = true;
            if (ownsCommitter) {
                committer.stop();
            }
            unlock(lock);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the stream in " + dir + " is closed");
        }
    }
}
