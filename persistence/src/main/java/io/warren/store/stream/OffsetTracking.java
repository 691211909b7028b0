package io.warren.store.stream;

import io.warren.store.DurabilityListener;
import io.warren.store.DurabilityTracker;
import io.warren.store.FileIo;
import io.warren.store.GroupCommitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets consumers stored by name for one stream (RabbitMQ's server-side offset tracking), in an append-only
 * file beside the segments: each store adds an entry, the last entry for a name wins, and once the file holds far
 * more entries than names it is rewritten with one entry per name. Fsynced by the same group commit as the stream.
 */
public final class OffsetTracking implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetTracking.class);
    static final String FILE = "offsets";
    /** A consumer reference is at most 255 bytes in RabbitMQ; the cap keeps a damaged length from running away. */
    static final int MAX_NAME_BYTES = 4096;
    private static final int ENTRY_OVERHEAD = 4 + 4 + 8;
    /** Rewrite when the file holds more entries than this plus four per name. */
    private static final int COMPACT_SLACK = 1024;

    private final Path dir;
    private final Path file;
    private final GroupCommitter committer;
    private final DurabilityTracker durability;
    private final Map<String, Long> offsets;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private FileChannel channel;
    private long entries;
    private long written;
    private boolean closed;

    private OffsetTracking(Path dir, GroupCommitter committer, Map<String, Long> offsets, long entries)
            throws IOException {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.committer = committer;
        this.durability = new DurabilityTracker(dir);
        this.offsets = offsets;
        this.entries = entries;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        this.channel.position(channel.size());
        durability.segmentStarted(channel);
    }

    /** Reads the tracking file of the stream directory (cutting a torn last entry away). */
    static OffsetTracking open(Path dir, GroupCommitter committer) throws IOException {
        Path file = dir.resolve(FILE);
        Map<String, Long> offsets = new LinkedHashMap<>();
        long entries = 0;
        if (Files.exists(file)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            int good = 0;
            while (b.remaining() >= ENTRY_OVERHEAD) {
                int at = b.position();
                int len = b.getInt(at);
                if (len < 8 || len > 8 + MAX_NAME_BYTES || at + 8 + len > b.limit()
                        || b.getInt(at + 4) != StreamFormat.crc(b.array(), at + 8, len)) {
                    break;
                }
                long offset = b.getLong(at + 8);
                String name = new String(b.array(), at + 16, len - 8, StandardCharsets.UTF_8);
                offsets.remove(name); // keep insertion order = last update order, for a stable compaction
                offsets.put(name, offset);
                entries++;
                b.position(at + 8 + len);
                good = b.position();
            }
            if (good < b.limit()) {
                LOG.warn("{}: cut {} bytes after the last whole entry (a write cut short by a crash)", file,
                        b.limit() - good);
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(good);
                    ch.force(false);
                }
            }
        }
        return new OffsetTracking(dir, committer, offsets, entries);
    }

    /** Records the consumer's offset; written on {@link #flush} and fsynced by the next group commit after it. */
    public synchronized void store(String name, long offset) throws IOException {
        checkOpen();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a consumer name must have 1 to " + MAX_NAME_BYTES
                    + " bytes of UTF-8; got " + n.length);
        }
        offsets.remove(name);
        offsets.put(name, offset);
        pending.write(encode(n, offset));
        entries++;
        if (pending.size() >= 64 * 1024) {
            flush();
        }
    }

    private static byte[] encode(byte[] name, long offset) {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_OVERHEAD + name.length);
        b.putInt(8 + name.length).putInt(0).putLong(offset).put(name);
        b.putInt(4, StreamFormat.crc(b.array(), 8, 8 + name.length));
        return b.array();
    }

    /** The last offset stored for the consumer, if any. */
    public synchronized OptionalLong get(String name) {
        Long o = offsets.get(name);
        return o == null ? OptionalLong.empty() : OptionalLong.of(o);
    }

    /** Every consumer's stored offset. */
    public synchronized Map<String, Long> all() {
        return Map.copyOf(offsets);
    }

    /** Entries in the file (more than names until it is compacted). */
    public synchronized long entries() {
        return entries;
    }

    /** Writes the pending entries, compacting the file first when it has grown far past one entry per name. */
    public synchronized void flush() throws IOException {
        checkOpen();
        if (pending.size() == 0) {
            return;
        }
        if (entries > COMPACT_SLACK + 4L * offsets.size()) {
            compact();
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        FileIo.writeFully(channel, b);
        written += b.limit();
        durability.persistentWritten(written);
        committer.written(durability, b.limit());
    }

    /**
     * Rewrites the file with one entry per name: a temporary file, fsynced, renamed over the old one, directory
     * fsynced. A crash before the rename leaves the old file, which says the same.
     */
    public synchronized void compact() throws IOException {
        checkOpen();
        Path tmp = dir.resolve(FILE + StreamFormat.TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Map.Entry<String, Long> e : offsets.entrySet()) {
                FileIo.writeFully(ch, ByteBuffer.wrap(encode(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue())));
            }
            ch.force(false);
        }
        // Everything stored so far is in the new file, fsynced: waiters on the old one may complete once it is in place.
        pending.reset();
        durability.segmentFinished(false);
        channel.close();
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileIo.forceDirectory(dir);
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        channel.position(channel.size());
        durability.segmentStarted(channel);
        entries = offsets.size();
    }

    /** Runs the listener once every offset stored so far is fsynced (flushing first). */
    public void whenDurable(DurabilityListener listener) {
        synchronized (this) {
            if (!closed && pending.size() > 0) {
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

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
            durability.segmentFinished(true);
        } finally {
            closed = true;
            channel.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the offset tracking in " + dir + " is closed");
        }
    }
}
