package io.warren.cluster.quorum.bodies;

import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The {@link BodyLog}'s file {@code queues}: which queue each record's queue id stands for. Each time a queue gets
 * its first body it is given a new id, never reused, so the bodies of a queue that was deleted and declared again
 * (whose msgIds start over) can never pass for the new one's. Append-only entries (attach, remove, the next id),
 * each with a checksum; a torn tail is cut at open, and the file is then rewritten with what is attached. The file
 * is opened only to append or sync, so it holds no descriptor.
 */
final class QueueCatalog {
    static final String FILE = "queues";
    private static final byte ATTACH = 1;
    private static final byte REMOVE = 2;
    private static final byte NEXT_ID = 3;

    private final Path file;
    private final Map<Integer, QueueKey> byId = new HashMap<>();
    private final Map<QueueKey, Integer> ids = new HashMap<>();
    private int nextId;
    private boolean unsynced;

    private QueueCatalog(Path file) {
        this.file = file;
    }

    /**
     * Reads the file (none: empty), then rewrites it with the attached queues only. minNextId: above every queue id
     * found in the segments, so an id whose attach was lost in a crash is not handed out again.
     */
    static QueueCatalog open(Path dir, int minNextId) throws IOException {
        QueueCatalog c = new QueueCatalog(dir.resolve(FILE));
        c.nextId = minNextId;
        if (Files.exists(c.file)) {
            c.load();
        }
        c.rewrite();
        return c;
    }

    /** The queue's id, or -1 when it has no bodies here. */
    int id(QueueKey queue) {
        Integer id = ids.get(queue);
        return id == null ? -1 : id;
    }

    /** The queue an id stands for, or null (a queue removed since, or an attach lost in a crash). */
    QueueKey queue(int id) {
        return byId.get(id);
    }

    Map<QueueKey, Integer> attached() {
        return Map.copyOf(ids);
    }

    /** Gives the queue a new id and notes it (not fsynced: {@link #sync}). */
    int attach(QueueKey queue) throws IOException {
        int id = nextId++;
        append(entry(ATTACH, id, queue));
        ids.put(queue, id);
        byId.put(id, queue);
        return id;
    }

    /** The queue's bodies are gone with it (not fsynced: {@link #sync}). */
    void remove(QueueKey queue) throws IOException {
        Integer id = ids.remove(queue);
        if (id != null) {
            byId.remove(id);
            append(entry(REMOVE, id, null));
        }
    }

    void sync() throws IOException {
        if (unsynced) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            unsynced = false;
        }
    }

    private void load() throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all);
        while (b.remaining() >= 8) {
            int length = b.getInt(b.position());
            int crc = b.getInt(b.position() + 4);
            if (length < 5 || length > b.remaining() - 8) {
                break;
            }
            CRC32C c = new CRC32C();
            c.update(all, b.position() + 8, length);
            if ((int) c.getValue() != crc) {
                break;
            }
            ByteBuffer e = ByteBuffer.wrap(all, b.position() + 8, length).slice();
            b.position(b.position() + 8 + length);
            byte kind = e.get();
            int id = e.getInt();
            nextId = Math.max(nextId, id + 1);
            if (kind == ATTACH) {
                QueueKey q = new QueueKey(string(e), string(e));
                Integer before = ids.put(q, id);
                if (before != null) {
                    byId.remove(before); // attached again without the remove reaching the disk: the later wins
                }
                byId.put(id, q);
            } else if (kind == REMOVE) {
                QueueKey q = byId.remove(id);
                if (q != null) {
                    ids.remove(q, id);
                }
            } else if (kind == NEXT_ID) {
                nextId = Math.max(nextId, id);
            }
        }
    }

    /** Replaces the file with the attached queues and the next id (temporary file, fsync, rename). */
    private void rewrite() throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long at = 0;
            ByteBuffer next = entry(NEXT_ID, nextId, null);
            BodySegment.writeFully(ch, next, at);
            at += next.limit();
            for (Map.Entry<Integer, QueueKey> e : byId.entrySet()) {
                ByteBuffer b = entry(ATTACH, e.getKey(), e.getValue());
                BodySegment.writeFully(ch, b, at);
                at += b.limit();
            }
            ch.force(false);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        BodyLog.syncDirectory(file.getParent());
        unsynced = false;
    }

    private void append(ByteBuffer entry) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            BodySegment.writeFully(ch, entry, ch.size());
        }
        unsynced = true;
    }

    private static ByteBuffer entry(byte kind, int id, QueueKey q) {
        byte[] vhost = q == null ? new byte[0] : q.vhost().getBytes(StandardCharsets.UTF_8);
        byte[] name = q == null ? new byte[0] : q.name().getBytes(StandardCharsets.UTF_8);
        int length = 5 + (q == null ? 0 : 8 + vhost.length + name.length);
        ByteBuffer b = ByteBuffer.allocate(8 + length);
        b.putInt(length).putInt(0).put(kind).putInt(id);
        if (q != null) {
            b.putInt(vhost.length).put(vhost).putInt(name.length).put(name);
        }
        CRC32C c = new CRC32C();
        c.update(b.array(), 8, length);
        return b.putInt(4, (int) c.getValue()).flip();
    }

    private static String string(ByteBuffer e) {
        byte[] s = new byte[e.getInt()];
        e.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
