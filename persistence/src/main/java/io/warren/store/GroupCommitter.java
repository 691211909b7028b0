package io.warren.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one sync thread. Logs that wrote persistent records queue themselves (once each); a round takes all
 * queued logs, fsyncs each and completes their listeners. Everything written while a round runs shares the next
 * round's fsync: classic group commit. Writers never block on it and wake it only when it sleeps. Public so the
 * stream logs ({@code io.warren.store.stream}) can share the store's sync thread.
 */
public final class GroupCommitter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    private static final int RUNNING = 0;
    private static final int IDLE = 1;
    private static final int GATHERING = 2;

    private final ConcurrentLinkedQueue<DurabilityTracker> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicLong unsyncedBytes = new AtomicLong();
    private final long intervalNanos;
    private final long syncBytes;
    private final Thread thread;
    private volatile int state = RUNNING;
    private volatile boolean stopping;

    // Written by the sync thread only; read by anyone for metrics.
    private volatile long fsyncs;
    private volatile long totalNanos;
    private volatile long maxNanos;
    private volatile long bytesSynced;

    /** A sync thread (not started) that batches as the settings say. */
    public GroupCommitter(String name, StoreSettings settings) {
        this.intervalNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(0, settings.syncIntervalMicros()));
        this.syncBytes = Math.max(1, settings.syncBytes());
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    /** Starts the sync thread. */
    public void start() {
        thread.start();
    }

    /** Writer: persistent bytes were written to the tracker's log and wait for an fsync. */
    public void written(DurabilityTracker log, long bytes) {
        long pending = unsyncedBytes.addAndGet(bytes);
        if (log.queued.compareAndSet(false, true)) {
            dirty.add(log);
        }
        int s = state;
        if (s == IDLE || (s == GATHERING && pending >= syncBytes)) {
            LockSupport.unpark(thread);
        }
    }

    /** Writer: listeners wait on a log that has nothing left to sync, so a round should look at it. */
    void poke(DurabilityTracker log) {
        written(log, 0);
    }

    @Override
    public void run() {
        List<DurabilityTracker> round = new ArrayList<>();
        while (true) {
            if (dirty.isEmpty()) {
                if (stopping) {
                    return;
                }
                state = IDLE;
                // Re-check after publishing IDLE: a writer that queued before seeing it did not unpark us.
                if (dirty.isEmpty() && !stopping) {
                    LockSupport.park(this);
                }
                state = RUNNING;
                continue;
            }
            gather();
            // What is written from here on counts towards the next round; this one covers the rest.
            unsyncedBytes.set(0);
            DurabilityTracker t;
            while ((t = dirty.poll()) != null) {
                // Cleared before syncing: a flush from now on queues the log again for the next round.
                t.queued.set(false);
                round.add(t);
            }
            try {
                syncRound(round);
            } catch (RuntimeException | Error e) {
                // The thread must outlive one bad round, or every later listener would wait forever.
                LOG.error("sync round failed", e);
            }
            round.clear();
        }
    }

    /** With an interval set, waits up to it for more appends, unless enough bytes are already waiting. */
    private void gather() {
        if (intervalNanos == 0) {
            return;
        }
        long deadline = System.nanoTime() + intervalNanos;
        state = GATHERING;
        long left;
        while (!stopping && unsyncedBytes.get() < syncBytes && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
        state = RUNNING;
    }

    private void syncRound(List<DurabilityTracker> round) {
        long start = System.nanoTime();
        boolean counted = false;
        for (DurabilityTracker t : round) {
            long bytes = t.sync();
            if (bytes > 0) {
                // Counted before the listeners run, so whoever a listener tells sees this fsync in the stats.
                if (!counted) {
                    fsyncs++;
                    counted = true;
                }
                bytesSynced += bytes;
            }
            t.completeDurable();
        }
        if (counted) {
            long took = System.nanoTime() - start;
            totalNanos += took;
            if (took > maxNanos) {
                maxNanos = took;
            }
        }
    }

    /** Fsyncs done so far and their latency. */
    public SyncStats stats() {
        return new SyncStats(fsyncs, totalNanos, maxNanos, bytesSynced);
    }

    /** Finishes the rounds already queued, then stops the thread. */
    public void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
