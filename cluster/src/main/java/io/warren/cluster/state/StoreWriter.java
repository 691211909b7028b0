package io.warren.cluster.state;

import io.warren.cluster.log.ChangeReplay;
import io.warren.cluster.log.DefinitionChange;
import io.warren.store.definitions.DefinitionStore;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes applied changes to the node's H2 store, and then the applied mark, in log order, on a thread of its own
 * ("warren-cluster-store"): the state machine answers a change as soon as it has checked it, without waiting for
 * H2's fsync (the Raft log, fsynced on a majority, is what makes the change durable; a restart replays whatever the
 * mark does not cover). A store that cannot be written stops this node applying anything more.
 */
final class StoreWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    private final DefinitionStore store;
    private final AppliedMark mark;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warren-cluster-store");
        t.setDaemon(true);
        return t;
    });
    private volatile RuntimeException failure;

    StoreWriter(DefinitionStore store, AppliedMark mark) {
        this.store = store;
        this.mark = mark;
    }

    /** Queues the changes of log entry index (none for a refused one), then the mark. */
    void write(List<DefinitionChange> changes, long index, boolean bootstrapped) {
        failIfFailed();
        thread.execute(() -> {
            if (failure != null) {
                return;
            }
            try {
                changes.forEach(c -> ChangeReplay.apply(c, store));
                mark.set(index, bootstrapped);
            } catch (RuntimeException e) {
                failure = e;
                LOG.error("cannot write log entry {} to the definitions store; this node stops applying the "
                        + "cluster's log until it is restarted", index, e);
            }
        });
    }

    /** Waits until everything queued is in the store (before a snapshot is taken or installed). */
    void drain() {
        try {
            thread.submit(() -> { }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the definitions store", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the definitions store did not take the applied changes", e);
        }
        failIfFailed();
    }

    private void failIfFailed() {
        if (failure != null) {
            throw new IllegalStateException("the definitions store failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
