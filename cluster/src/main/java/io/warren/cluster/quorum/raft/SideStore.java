package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.bodies.BodyLog;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard replica's message bodies, kept beside its Raft log so the log can be purged behind a snapshot while a
 * backlog larger than memory stays on disk. All of the replica's queues share one {@link BodyLog} (one segment series,
 * records tagged with queue and msgId), so its open files do not grow with the number of queues. Storing a body
 * again (an entry replayed after a restart) does nothing, releasing one twice is harmless. Bodies are fsynced before
 * each snapshot and when a segment fills, never on the confirm path (the Raft log, which carries them too, makes a
 * confirm durable). Releases are not written down: after a restart {@link #reconcile} and the replay of the log
 * after the snapshot release them again. A directory in the older layout (a log per queue) is converted at open.
 * Single writer: the division's apply thread; readers from other threads take the same lock.
 */
public final class SideStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SideStore.class);

    private final Path dir;
    private final BodyLog log;

    private SideStore(Path dir, BodyLog log) {
        this.dir = dir;
        this.log = log;
    }

    /** Opens (creating if needed) the body store in the directory, converting one of the older layout. */
    public static SideStore open(Path dir) throws IOException {
        BodyLog log = BodyLog.open(dir);
        try {
            LegacyBodies.convert(dir, log);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return new SideStore(dir, log);
    }

    /** Stores the body under msgId, unless it is there already (the entry was applied before a restart). */
    public synchronized void store(QueueKey queue, long msgId, ByteBuffer body) throws IOException {
        if (!log.contains(queue, msgId)) {
            log.append(queue, msgId, body);
        }
    }

    /** Writes out (no fsync) the bodies stored since the last flush, so the buffers given need not be kept. */
    public synchronized void flush() throws IOException {
        log.flush();
    }

    /** The body is no longer needed. */
    public synchronized void release(QueueKey queue, long msgId) throws IOException {
        log.release(queue, msgId);
    }

    /** The queue is gone: all of its bodies go. */
    public synchronized void remove(QueueKey queue) throws IOException {
        log.removeQueue(queue);
    }

    /** The body stored under msgId, or null when there is none (never stored, or released). */
    public synchronized ByteBuffer read(QueueKey queue, long msgId) throws IOException {
        return log.read(queue, msgId);
    }

    /**
     * The bodies stored under these msgIds, by msgId; those not stored are absent. One lock for all of them; each
     * is one positional read, as the index knows where every body lies.
     */
    public synchronized Map<Long, ByteBuffer> read(QueueKey queue, long[] msgIds) throws IOException {
        Map<Long, ByteBuffer> found = new HashMap<>();
        for (long msgId : msgIds) {
            ByteBuffer body = log.read(queue, msgId);
            if (body != null) {
                found.put(msgId, body);
            }
        }
        return found;
    }

    /** The msgIds of the bodies stored for the queue, ascending. */
    public synchronized long[] storedIds(QueueKey queue) throws IOException {
        return log.msgIds(queue);
    }

    /** Waits until every body stored so far is on disk (before a snapshot that counts on them). */
    public synchronized void sync() throws IOException {
        try {
            log.sync();
        } catch (IOException e) {
            throw new IOException("the bodies in " + dir + " could not be fsynced", e);
        }
    }

    /**
     * Brings the store in line with a state loaded from a snapshot, before the log after it is replayed. A queue
     * the state does not have loses its bodies (replaying the log brings back any queue attached after the
     * snapshot, with its bodies). A body below the queue's next msgId that the state no longer holds goes (its
     * release was lost, e.g. an ack-file entry never synced). Bodies at or above the next msgId stay: they were
     * stored after the snapshot and the replay finds them. Bodies the state holds but the store lacks are returned:
     * released after the snapshot (the replay releases them again), or lost, which only the end of the replay
     * tells apart.
     */
    public synchronized Reconciliation reconcile(ShardState state) throws IOException {
        int logsDeleted = 0;
        long released = 0;
        Map<QueueKey, long[]> missing = new HashMap<>();
        for (QueueKey queue : log.queues()) {
            if (!state.queueKeys().contains(queue)) {
                log.removeQueue(queue);
                logsDeleted++;
                LOG.info("{}: deleted the bodies of {}, which the shard no longer has", dir, queue);
            }
        }
        for (QueueKey queue : state.queueKeys()) {
            long[] live = state.liveMsgIds(queue);
            long next = state.nextMsgId(queue);
            long[] stored = log.msgIds(queue);
            for (long id : stored) {
                if (id < next && Arrays.binarySearch(live, id) < 0) {
                    log.release(queue, id);
                    released++;
                }
            }
            long[] lacking = Arrays.stream(live).filter(id -> Arrays.binarySearch(stored, id) < 0).toArray();
            if (lacking.length > 0) {
                missing.put(queue, lacking);
                LOG.info("{}: {} bodies of {} that the snapshot holds are not stored (msgIds {}); the log after the "
                        + "snapshot must release them", dir, lacking.length, queue, summary(lacking));
            }
        }
        log.flush();
        return new Reconciliation(logsDeleted, released, Map.copyOf(missing));
    }

    /**
     * What {@link #reconcile} did: logs deleted, bodies released, and per queue the msgIds the snapshot holds that
     * the store lacks (ascending).
     */
    public record Reconciliation(int logsDeleted, long bodiesReleased, Map<QueueKey, long[]> lacking) {
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }

    /** A queue's log name: the vhost's length first, so any vhost and name map back unambiguously. */
    static String logName(QueueKey q) {
        return q.vhost().length() + ":" + q.vhost() + q.name();
    }

    static QueueKey queueKey(String logName) {
        int colon = logName.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            int n = Integer.parseInt(logName.substring(0, colon));
            if (n < 0 || colon + 1 + n > logName.length()) {
                return null;
            }
            return new QueueKey(logName.substring(colon + 1, colon + 1 + n), logName.substring(colon + 1 + n));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String summary(long[] ids) {
        if (ids.length <= 10) {
            return Arrays.toString(ids);
        }
        return Arrays.toString(Arrays.copyOf(ids, 10)).replace("]", ", ... and " + (ids.length - 10) + " more]");
    }
}
