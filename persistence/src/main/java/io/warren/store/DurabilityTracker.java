package io.warren.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one log has written and what of it is fsynced, shared between the log's owner thread and the store's sync
 * thread. Positions count bytes written to the log's segments in this session, across rollovers.
 *
 * <p>The lock is taken only by the sync thread around an fsync and by the owner on the rare occasions it swaps or
 * closes the file being synced (rollover, close), so the fsync never hits a closed channel. Appends never take it.
 */
public final class DurabilityTracker {
    private static final Logger LOG = LoggerFactory.getLogger(DurabilityTracker.class);

    private record Waiter(long position, DurabilityListener listener) {
    }

    final ReentrantLock lock = new ReentrantLock();
    /** Set while the log waits in the sync thread's queue, so it is queued once however many flushes happen. */
    final AtomicBoolean queued = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private final Path dir;

    /** End of the last persistent record written. */
    private volatile long persistentPosition;
    private volatile long syncedPosition;
    private volatile IOException failure;
    /** Guarded by lock for the sync thread; null when nothing is being written. */
    private volatile FileChannel channel;
    /** A new segment file's directory entry must be durable too before its records count as synced. */
    private boolean directorySynced = true;
    private boolean closed;

    /** Tracks the files of one log in the directory (fsynced itself when a new file was started). */
    public DurabilityTracker(Path dir) {
        this.dir = dir;
    }

    long persistentPosition() {
        return persistentPosition;
    }

    /** Owner: persistent records were written up to this position. */
    public void persistentWritten(long position) {
        persistentPosition = position;
    }

    /** Owner: a new segment file is being written. */
    public void segmentStarted(FileChannel ch) {
        lock.lock();
        try {
            channel = ch;
            directorySynced = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Owner: the current segment is done with (rollover or close). Fsyncs what is unsynced in it first, because
     * listeners for those records must not complete before their segment is on disk.
     */
    public void segmentFinished(boolean closing) throws IOException {
        lock.lock();
        try {
            syncLocked();
            channel = null;
            closed = closing;
        } finally {
            lock.unlock();
        }
        completeDurable();
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /** Owner: the log is being deleted; nothing more is synced and waiting listeners are failed. */
    public void abandon(IOException cause) {
        lock.lock();
        try {
            channel = null;
            closed = true;
        } finally {
            lock.unlock();
        }
        fail(cause);
    }

    /** Sync thread: fsyncs the current segment if there is anything persistent unsynced; returns the bytes covered. */
    long sync() {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            return syncLocked();
        } finally {
            lock.unlock();
        }
    }

    private long syncLocked() {
        long target = persistentPosition;
        long done = syncedPosition;
        if (target <= done || failure != null || channel == null) {
            return 0;
        }
        try {
            channel.force(false);
            if (!directorySynced) {
                FileIo.forceDirectory(dir);
                directorySynced = true;
            }
            syncedPosition = target;
            return target - done;
        } catch (IOException e) {
            LOG.error("fsync in {} failed; the log refuses further appends", dir, e);
            fail(e);
            return 0;
        }
    }

    /** Owner: runs the listener once everything persistent written so far is synced. */
    public void whenDurable(DurabilityListener listener) {
        IOException f = failure;
        if (f != null) {
            callFailed(listener, f);
            return;
        }
        long target = persistentPosition;
        if (target <= syncedPosition) {
            callDurable(listener);
            return;
        }
        waiters.add(new Waiter(target, listener));
        // A sync round may have finished between the check above and the add, and would not look again.
        if (syncedPosition >= target || failure != null) {
            completeDurable();
        }
    }

    /** Completes the waiters whose records are synced; safe to call from several threads at once. */
    void completeDurable() {
        IOException f = failure;
        if (f != null) {
            failAll(f);
            return;
        }
        long synced = syncedPosition;
        Waiter w;
        while ((w = waiters.peek()) != null && w.position <= synced) {
            // remove() succeeds for exactly one caller, so each listener runs once.
            if (waiters.remove(w)) {
                callDurable(w.listener);
            }
        }
    }

    /** Marks the log failed and fails every waiting listener. */
    public void fail(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
        failAll(failure);
    }

    private void failAll(IOException cause) {
        Waiter w;
        while ((w = waiters.poll()) != null) {
            callFailed(w.listener, cause);
        }
    }

    /** Why the log stopped syncing, or null. */
    public IOException failure() {
        return failure;
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    private static void callDurable(DurabilityListener listener) {
        try {
            listener.durable();
        } catch (RuntimeException e) {
            LOG.warn("durability listener {} threw", listener, e);
        }
    }

    private static void callFailed(DurabilityListener listener, IOException cause) {
        try {
            listener.failed(cause);
        } catch (RuntimeException e) {
            LOG.warn("durability listener {} threw", listener, e);
        }
    }
}
