package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueWork;
import io.warren.store.DurabilityListener;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ready messages of a queue with x-max-priority, as RabbitMQ keeps them: one {@link QueueBacklog} per
 * priority level in use, each with its own window and log, so paging, recovery and requeue work per level just as
 * for a plain queue. The next message is the oldest of the highest level that has one. A durable queue keeps level
 * 0 in its ordinary log and every higher level in a log of its own (see {@link QueueStorage#priorityLog}).
 */
final class PriorityBacklog implements Backlog {
    private static final Logger LOG = LoggerFactory.getLogger(PriorityBacklog.class);

    private final String owner;
    private final boolean durable;
    private final QueueStorage storage;
    private final String vhost;
    private final String queue;
    private final int maxPriority;
    /** Indexed by level; null until a message of that level arrives (or its log is found on disk). */
    private final QueueBacklog[] levels;
    /** The levels in use, highest first, so polling looks at few. */
    private int[] used = new int[0];
    private final List<QueueLog> syncing = new ArrayList<>();

    /**
     * log is the durable queue's level-0 log as opened (and recovered), or null; a durable queue's higher levels
     * are opened here from what is on disk.
     */
    PriorityBacklog(String owner, boolean durable, QueueStorage storage, QueueLog log, String vhost, String queue,
                    int maxPriority) {
        this.owner = owner;
        this.durable = durable;
        this.storage = storage;
        this.vhost = vhost;
        this.queue = queue;
        this.maxPriority = maxPriority;
        this.levels = new QueueBacklog[maxPriority + 1];
        if (log != null) {
            use(0, new QueueBacklog(owner, durable, storage, log));
        }
        if (durable) {
            recoverLevels();
        }
    }

    private void recoverLevels() {
        List<Integer> onDisk;
        try {
            onDisk = storage.priorityLevelsOnDisk(vhost, queue);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the priority logs of " + owner, e);
        }
        for (int level : onDisk) {
            if (level < 1 || level > maxPriority) {
                continue; // cannot happen while x-max-priority is fixed for a queue's life
            }
            try {
                use(level, new QueueBacklog(levelOwner(level), true, storage, storage.priorityLog(vhost, queue, level)));
            } catch (IllegalStateException e) {
                // a queue of this name deleted a moment ago is still removing this log: its messages are going
                LOG.debug("{}: skipping level {} of a deleted queue", owner, level);
            } catch (IOException e) {
                releaseLogs();
                throw new UncheckedIOException("cannot open the priority " + level + " log of " + owner, e);
            }
        }
    }

    // the constructor failed: logs opened so far must not stay open without a queue
    private void releaseLogs() {
        for (int level : used) {
            QueueLog log = levels[level].openedLog();
            if (log != null && level > 0) {
                try {
                    log.close();
                } catch (IOException e) {
                    // recovered from its files next time
                }
            }
        }
    }

    private String levelOwner(int level) {
        return owner + " (priority " + level + ")";
    }

    /** The level a message waits at: its priority, capped at the queue's maximum. */
    private int levelOf(Message m) {
        return Math.min(m.priority(), maxPriority);
    }

    private QueueBacklog level(int level) {
        QueueBacklog b = levels[level];
        if (b == null) {
            b = new QueueBacklog(levelOwner(level), durable, storage, null, opener(level));
            use(level, b);
        }
        return b;
    }

    // a durable queue's level log carries its persistent messages across restarts; others page to scratch logs.
    // (A durable queue's level 0 always exists: it is given its log.) A log that cannot be opened fails the
    // append, so the publisher hears a nack rather than a confirm.
    private Supplier<QueueLog> opener(int level) {
        if (!durable || level == 0) {
            return storage.scratchLogs();
        }
        return () -> {
            try {
                return storage.priorityLog(vhost, queue, level);
            } catch (IOException | IllegalStateException e) {
                throw new UncheckedIOException(new IOException(e.getMessage(), e));
            }
        };
    }

    private void use(int level, QueueBacklog b) {
        levels[level] = b;
        int[] u = new int[used.length + 1];
        int i = 0;
        int j = 0;
        while (i < used.length && used[i] > level) {
            u[j++] = used[i++];
        }
        u[j++] = level;
        while (i < used.length) {
            u[j++] = used[i++];
        }
        used = u;
    }

    @Override
    public List<QueueLog> recoveredLogs() {
        List<QueueLog> out = new ArrayList<>();
        for (int level : used) {
            out.addAll(levels[level].recoveredLogs());
        }
        return out;
    }

    @Override
    public long nextSequence() {
        long next = 0;
        for (int level : used) {
            next = Math.max(next, levels[level].nextSequence());
        }
        return next;
    }

    @Override
    public int size() {
        int n = 0;
        for (int level : used) {
            n += levels[level].size();
        }
        return n;
    }

    @Override
    public boolean isEmpty() {
        for (int level : used) {
            if (!levels[level].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long bytes() {
        long n = 0;
        for (int level : used) {
            n += levels[level].bytes();
        }
        return n;
    }

    @Override
    public void add(Message m, long seq, long expiresAt) {
        level(levelOf(m)).add(m, seq, expiresAt);
    }

    /**
     * Writes every level's batch; a barrier is released once every level log that took persistent messages in
     * this batch has fsynced them, and failed if any level could not write.
     */
    @Override
    public void endBatch(QueueWork work) {
        IOException failure = null;
        for (int level : used) {
            QueueBacklog b = levels[level];
            IOException f = b.writeBatch();
            if (f != null) {
                failure = failure == null ? f : failure;
            } else if (b.batchMustSync()) {
                syncing.add(b.openedLog());
            }
        }
        int barriers = work.barrierCount();
        if (failure != null || syncing.isEmpty()) {
            for (int i = 0; i < barriers; i++) {
                if (failure != null) {
                    work.barrier(i).fail(work.holds(i), failure);
                } else {
                    work.barrier(i).release(work.holds(i));
                }
            }
        } else if (barriers > 0) {
            AllDurable join = new AllDurable(syncing.size(), work);
            for (QueueLog log : syncing) {
                log.whenDurable(join);
            }
        }
        syncing.clear();
    }

    @Override
    public void flushQuietly() {
        for (int level : used) {
            levels[level].flushQuietly();
        }
    }

    @Override
    public QueueEntry peek() {
        for (int level : used) {
            QueueBacklog b = levels[level];
            if (!b.isEmpty()) {
                QueueEntry e = b.peek();
                if (e != null) {
                    e.level(level);
                }
                return e;
            }
        }
        return null;
    }

    // as RabbitMQ's priority queue: every level's head expires, not only the highest level's
    @Override
    public QueueEntry pollExpired(long now) {
        for (int level : used) {
            QueueEntry e = levels[level].pollExpired(now);
            if (e != null) {
                e.level(level);
                return e;
            }
        }
        return null;
    }

    @Override
    public long nextExpiry() {
        long next = QueueEntry.NEVER;
        for (int level : used) {
            next = Math.min(next, levels[level].nextExpiry());
        }
        return next;
    }

    @Override
    public QueueEntry poll() {
        for (int level : used) {
            QueueBacklog b = levels[level];
            if (!b.isEmpty()) {
                QueueEntry e = b.poll();
                if (e != null) {
                    e.level(level);
                }
                return e;
            }
        }
        return null;
    }

    // entries leave only through poll, which marks their level: everything handed back here carries it
    @Override
    public void putBack(QueueEntry e) {
        level(e.level()).putBack(e);
    }

    @Override
    public void endPutBack() {
        for (int level : used) {
            levels[level].endPutBack();
        }
    }

    @Override
    public void delivered(QueueEntry e, boolean noAck) {
        level(e.level()).delivered(e, noAck);
    }

    @Override
    public void settled(List<QueueEntry> entries) {
        for (int i = 0, n = entries.size(); i < n; i++) {
            QueueEntry e = entries.get(i);
            level(e.level()).settled(e);
        }
    }

    @Override
    public int purge() {
        int n = 0;
        for (int level : used) {
            n += levels[level].purge();
        }
        return n;
    }

    /** Deletes level 0 last: once its name is free, a queue declared again under it finds no level left behind. */
    @Override
    public void delete() {
        for (int level : used) {
            if (level > 0) {
                levels[level].delete();
            }
        }
        if (levels[0] != null) {
            levels[0].delete();
        }
    }

    @Override
    public void releaseMemory() {
        for (int level : used) {
            levels[level].releaseMemory();
        }
    }

    /** Releases one batch's barriers once each of the level logs it wrote to is durable. */
    private static final class AllDurable implements DurabilityListener {
        private final AtomicInteger pending;
        private final PublishBarrier[] barriers;
        private final int[] holds;
        private volatile IOException failure;

        AllDurable(int logs, QueueWork work) {
            this.pending = new AtomicInteger(logs);
            int n = work.barrierCount();
            this.barriers = new PublishBarrier[n];
            this.holds = new int[n];
            for (int i = 0; i < n; i++) {
                barriers[i] = work.barrier(i);
                holds[i] = work.holds(i);
            }
        }

        @Override
        public void durable() {
            done();
        }

        @Override
        public void failed(IOException cause) {
            failure = cause;
            done();
        }

        private void done() {
            if (pending.decrementAndGet() != 0) {
                return;
            }
            for (int i = 0; i < barriers.length; i++) {
                if (failure != null) {
                    barriers[i].fail(holds[i], failure);
                } else {
                    barriers[i].release(holds[i]);
                }
            }
        }
    }
}
