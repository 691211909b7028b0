package io.warren.cluster.quorum.bodies;

import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every queue's bodies of one shard replica in one append-only series of segment files, so the files open do not
 * grow with the number of queues: one segment written to, and a few read lately. Records are tagged with a queue id
 * ({@link QueueCatalog}) and msgId; where each live body is lies in memory ({@link BodyLocations}), rebuilt at open
 * by scanning the segments. Releases are not written down: after a crash the owner brings the bodies in line with
 * its state again (as it must anyway for bodies stored after its snapshot). A sealed segment goes once nothing in it
 * is live, and one mostly dead has its live records copied to the head (fsynced) and then goes. Not thread-safe.
 */
public final class BodyLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BodyLog.class);
    /** A segment rolls over once it holds about this many bytes. */
    public static final long SEGMENT_BYTES = 16L * 1024 * 1024;
    /** A sealed segment with less than this share of its bytes live is compacted. */
    static final double COMPACT_BELOW = 0.25;
    /** Sealed segments whose read channels stay open between reads. */
    static final int OPEN_READERS = 4;

    private final Path dir;
    private final long segmentBytes;
    private final QueueCatalog catalog;
    private final Map<QueueKey, BodyLocations> index = new HashMap<>();
    private final TreeMap<Long, BodySegment> segments = new TreeMap<>();
    /** Sealed segments with an open channel, least recently read first. */
    private final LinkedHashMap<Long, BodySegment> readers = new LinkedHashMap<>(8, 0.75f, true);
    private BodySegment current;
    private long nextSegment;
    /** Appends not yet written: header and body buffers, in order. */
    private final List<ByteBuffer> pending = new ArrayList<>();
    /** The current segment's end of what is written (its {@code end} counts the pending appends too). */
    private long writtenEnd;
    private boolean unsynced;

    private BodyLog(Path dir, long segmentBytes, QueueCatalog catalog) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.catalog = catalog;
    }

    /** Opens the log in the directory (creating it), rebuilding the index from the segments. */
    public static BodyLog open(Path dir) throws IOException {
        return open(dir, SEGMENT_BYTES);
    }

    /** As {@link #open(Path)}, rolling segments over at the given size (tests). */
    public static BodyLog open(Path dir, long segmentBytes) throws IOException {
        Files.createDirectories(dir);
        TreeMap<Long, BodySegment> found = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long n = BodySegment.numberOf(name);
                if (n >= 0) {
                    found.put(n, new BodySegment(dir, n));
                } else if (name.endsWith(".tmp")) {
                    Files.delete(f); // a rewrite cut short; the original is in place
                }
            }
        }
        Map<Integer, BodyLocations> byId = new HashMap<>();
        int[] maxId = {-1};
        for (BodySegment seg : found.values()) {
            long end = seg.scan((queueId, msgId, offset, body) -> {
                byId.computeIfAbsent(queueId, id -> new BodyLocations()).put(msgId, seg.number, offset,
                        body.remaining());
                maxId[0] = Math.max(maxId[0], queueId);
                seg.recordBytes += BodySegment.RECORD_HEADER_BYTES + body.remaining();
            });
            FileChannel ch = seg.channel;
            if (end >= 0 && end < ch.size()) {
                LOG.warn("{}: cut {} bytes of torn or damaged tail at offset {}", seg.file, ch.size() - end, end);
                seg.close();
                try (FileChannel w = FileChannel.open(seg.file, StandardOpenOption.WRITE)) {
                    w.truncate(end);
                }
            }
            seg.close();
            seg.end = Math.max(end, BodySegment.HEADER_BYTES);
        }
        BodyLog log = new BodyLog(dir, segmentBytes, QueueCatalog.open(dir, maxId[0] + 1));
        log.nextSegment = found.isEmpty() ? 0 : found.lastKey() + 1;
        log.segments.putAll(found);
        byId.forEach((id, locations) -> {
            QueueKey q = log.catalog.queue(id);
            if (q != null) {
                log.index.put(q, locations);
                locations.forEach((msgId, segment, offset, length) -> {
                    BodySegment seg = found.get(segment);
                    if (seg.number == segment) {
                        seg.liveRecords++;
                        seg.liveBytes += BodySegment.RECORD_HEADER_BYTES + length;
                    }
                });
            }
        });
        for (BodySegment seg : new ArrayList<>(found.values())) {
            if (seg.liveRecords == 0) {
                log.deleteSegment(seg);
            }
        }
        return log;
    }

    /** Whether a body is stored under the queue and msgId. */
    public boolean contains(QueueKey queue, long msgId) {
        BodyLocations l = index.get(queue);
        return l != null && l.find(msgId) >= 0;
    }

    /**
     * Stores the body (buffered: written by {@link #flush}; the buffer must stay as it is until then), replacing
     * the place of one stored under the same msgId.
     */
    public void append(QueueKey queue, long msgId, ByteBuffer body) throws IOException {
        int id = catalog.id(queue);
        if (id < 0) {
            id = catalog.attach(queue);
        }
        BodyLocations l = index.computeIfAbsent(queue, q -> new BodyLocations());
        int old = l.find(msgId);
        if (old >= 0) {
            forget(l, old);
        }
        int length = body.remaining();
        long size = BodySegment.RECORD_HEADER_BYTES + (long) length;
        if (current != null && current.end > BodySegment.HEADER_BYTES && current.end + size > segmentBytes) {
            rollOver();
        }
        if (current == null) {
            startSegment();
        }
        if (current.end + size > Integer.MAX_VALUE) {
            throw new IOException("a body of " + length + " bytes does not fit in a segment");
        }
        ByteBuffer header = BodySegment.recordHeader(id, msgId, length);
        ByteBuffer b = body.duplicate();
        BodySegment.seal(header, b);
        pending.add(header);
        pending.add(b);
        l.put(msgId, current.number, (int) current.end, length);
        current.end += size;
        current.recordBytes += size;
        current.liveRecords++;
        current.liveBytes += size;
    }

    /** Writes the buffered appends to the current segment (no fsync). */
    public void flush() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuffer[] all = pending.toArray(ByteBuffer[]::new);
        FileChannel ch = current.channel;
        ch.position(writtenEnd);
        long left = current.end - writtenEnd;
        while (left > 0) {
            left -= ch.write(all);
        }
        pending.clear();
        writtenEnd = current.end;
        unsynced = true;
    }

    /** Fsyncs every body stored so far, and the catalog of queues. */
    public void sync() throws IOException {
        flush();
        if (unsynced && current != null) {
            current.channel.force(false);
        }
        unsynced = false;
        catalog.sync();
    }

    /** The body is no longer needed (unknown: nothing happens). */
    public void release(QueueKey queue, long msgId) throws IOException {
        BodyLocations l = index.get(queue);
        int slot = l == null ? -1 : l.find(msgId);
        if (slot < 0) {
            return;
        }
        BodySegment seg = forget(l, slot);
        if (l.size() == 0) {
            index.remove(queue); // its id stays in the catalog: further bodies carry it too
        }
        if (seg != null && seg != current) {
            maintain(seg);
        }
    }

    /** The queue is gone with all of its bodies; a queue of that name later gets a new id. */
    public void removeQueue(QueueKey queue) throws IOException {
        BodyLocations l = index.remove(queue);
        catalog.remove(queue);
        if (l == null) {
            return;
        }
        Set<BodySegment> touched = new java.util.HashSet<>();
        l.forEach((msgId, segment, offset, length) -> {
            BodySegment seg = segments.get(segment);
            if (seg != null) {
                seg.liveRecords--;
                seg.liveBytes -= BodySegment.RECORD_HEADER_BYTES + length;
                touched.add(seg);
            }
        });
        for (BodySegment seg : touched) {
            if (seg != current && segments.containsKey(seg.number)) {
                maintain(seg);
            }
        }
    }

    /** The body stored under the msgId, or null. */
    public ByteBuffer read(QueueKey queue, long msgId) throws IOException {
        BodyLocations l = index.get(queue);
        int slot = l == null ? -1 : l.find(msgId);
        if (slot < 0) {
            return null;
        }
        BodySegment seg = segments.get(l.segment(slot));
        int offset = l.offset(slot);
        if (seg == current && offset >= writtenEnd) {
            flush();
        }
        if (seg != current) {
            readers.put(seg.number, seg);
            if (readers.size() > OPEN_READERS) {
                var eldest = readers.entrySet().iterator().next();
                readers.remove(eldest.getKey());
                if (eldest.getValue() != seg) {
                    eldest.getValue().close();
                }
            }
        }
        return seg.read(offset, l.length(slot));
    }

    /** The queue's stored msgIds, ascending. */
    public long[] msgIds(QueueKey queue) {
        BodyLocations l = index.get(queue);
        return l == null ? new long[0] : l.msgIds();
    }

    /** The queues with bodies stored, or attached and not removed. */
    public Set<QueueKey> queues() {
        Set<QueueKey> all = new java.util.HashSet<>(index.keySet());
        all.addAll(catalog.attached().keySet());
        return all;
    }

    /** The segment files on disk now (for tests and logs). */
    public int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() throws IOException {
        try {
            sync();
        } finally {
            for (BodySegment seg : segments.values()) {
                seg.close();
            }
            readers.clear();
        }
    }

    // the entry goes from the index; its segment counts it dead (returned, or null when the segment is gone)
    private BodySegment forget(BodyLocations l, int slot) {
        BodySegment seg = segments.get(l.segment(slot));
        int length = l.length(slot);
        l.removeAt(slot);
        if (seg != null) {
            seg.liveRecords--;
            seg.liveBytes -= BodySegment.RECORD_HEADER_BYTES + length;
        }
        return seg;
    }

    private void maintain(BodySegment seg) throws IOException {
        if (seg.liveRecords <= 0) {
            deleteSegment(seg);
        } else if (seg.liveBytes < COMPACT_BELOW * seg.recordBytes) {
            compact(seg);
        }
    }

    /** Copies the segment's live records to the head, fsyncs them, then deletes the segment. */
    private void compact(BodySegment seg) throws IOException {
        Map<Integer, QueueKey> byId = new HashMap<>();
        catalog.attached().forEach((q, id) -> byId.put(id, q));
        long[] copied = {0};
        seg.scan((queueId, msgId, offset, body) -> {
            QueueKey q = byId.get(queueId);
            BodyLocations l = q == null ? null : index.get(q);
            int slot = l == null ? -1 : l.find(msgId);
            if (slot >= 0 && l.segment(slot) == seg.number && l.offset(slot) == offset) {
                ByteBuffer copy = ByteBuffer.allocate(body.remaining()).put(body).flip();
                append(q, msgId, copy); // moves the entry to the head and counts it dead here
                copied[0]++;
            }
        });
        sync(); // the copies are on disk before the originals go
        LOG.debug("{}: compacted, {} live records copied to the head", seg.file, copied[0]);
        deleteSegment(seg);
    }

    private void deleteSegment(BodySegment seg) throws IOException {
        segments.remove(seg.number);
        readers.remove(seg.number);
        seg.delete();
    }

    private void startSegment() throws IOException {
        BodySegment seg = new BodySegment(dir, nextSegment++);
        seg.create();
        segments.put(seg.number, seg);
        current = seg;
        writtenEnd = seg.end;
    }

    /** Seals the current segment: written out and fsynced, so the snapshot's sync has only the head left. */
    private void rollOver() throws IOException {
        flush();
        BodySegment seg = current;
        seg.channel.force(false);
        unsynced = false;
        seg.close();
        current = null;
        if (seg.liveRecords <= 0) {
            deleteSegment(seg);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system syncs a directory; the rename is what counts
        }
    }
}
