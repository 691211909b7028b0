package io.warren.broker.queue.classic;

import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueWindow;
import io.warren.broker.queue.ReadyMemory;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's unacknowledged messages against its memory window, as RabbitMQ keeps pending acks in RAM or on disk.
 * Deliveries within the window keep their bodies (nothing changes on that path). Past it, a delivery whose record
 * is in the queue's log is marked to page out: once its frames are handed to the socket the channel lets go of
 * the message (see {@link QueueEntry#wroteDelivery}), and only its position stays. It is read back from the log
 * when it is given back (through {@link RequeueSpill}, in its place) or dead-lettered. Messages with no record
 * (transient, never paged) stay in memory; their bytes count against the broker-wide budget of
 * {@link ReadyMemory}, so that the ready messages page out sooner. Owned by the queue's thread.
 */
final class UnackedPaging {
    private static final Logger LOG = LoggerFactory.getLogger(UnackedPaging.class);

    private final String owner;
    private final QueueWindow window;
    private final BooleanSupplier memoryPressure;
    private final ReadyMemory readyMemory;
    // the queue's log as its backlog opened it; null when this queue never pages unacked messages
    private final Supplier<QueueLog> log;
    private final LoggedBodies bodies = new LoggedBodies();
    private int held;
    private long heldBytes;
    private long reportedBytes;
    private volatile long heldBytesSnapshot;

    /** log: the queue's log once opened, or null to keep every unacked message in memory. */
    UnackedPaging(String owner, QueueStorage storage, Supplier<QueueLog> log) {
        this.owner = owner;
        this.window = storage.window();
        this.memoryPressure = storage.memoryPressure();
        this.readyMemory = storage.readyMemory();
        this.log = log;
    }

    /** An entry goes to a consumer that must ack it: it keeps its body in memory, or pages out once written. */
    void delivering(QueueEntry e) {
        if (log != null && e.logged() && overWindow()) {
            e.pageOutAfterWrite(true);
            return;
        }
        int size = e.message().bodySize();
        e.heldBytes(size);
        held++;
        heldBytes += size;
    }

    private boolean overWindow() {
        return window.isFull(held, heldBytes, memoryPressure.getAsBoolean())
                || readyMemory.isFull(inMemoryBytes() - reportedBytes);
    }

    /** Acked deliveries: how many of them were held in memory, and their body bytes. */
    void settled(int count, long bytes) {
        held -= count;
        heldBytes -= bytes;
    }

    /** Entries come back unacked (requeued, rejected, undelivered): they no longer count as held. */
    void returned(List<QueueEntry> entries) {
        for (int i = 0, n = entries.size(); i < n; i++) {
            QueueEntry e = entries.get(i);
            int size = e.heldBytes();
            if (size >= 0) {
                held--;
                heldBytes -= size;
                e.heldBytes(-1);
            }
            e.pageOutAfterWrite(false);
        }
    }

    /** Unacked messages held in memory (for tests and statistics). */
    int heldCount() {
        return held;
    }

    /** Body bytes of the unacked messages held in memory. */
    long heldBytes() {
        return heldBytes;
    }

    private long inMemoryBytes() {
        return heldBytes + (long) held * ReadyMemory.OVERHEAD_BYTES;
    }

    /** Tells the broker-wide budget what the unacked messages hold now; once per task. */
    void report() {
        long now = inMemoryBytes();
        readyMemory.report(now - reportedBytes);
        reportedBytes = now;
        heldBytesSnapshot = heldBytes;
    }

    /** Body bytes of the unacked messages held in memory as of the last report; readable anywhere. */
    long heldBytesSnapshot() {
        return heldBytesSnapshot;
    }

    /**
     * A copy of entries in which every paged-out entry has its message again when needed (to dead-letter or stamp
     * it); those whose record cannot be read are left out and handed to lost, whose records are then acked.
     */
    List<QueueEntry> withBodies(boolean needed, List<QueueEntry> entries, Consumer<List<QueueEntry>> lost) {
        List<QueueEntry> copy = new ArrayList<>(entries);
        if (!needed || log == null) {
            return copy;
        }
        List<QueueEntry> pagedOut = null;
        for (QueueEntry e : copy) {
            if (e.isPagedOut()) {
                if (pagedOut == null) {
                    pagedOut = new ArrayList<>();
                }
                pagedOut.add(e);
            }
        }
        if (pagedOut == null) {
            return copy;
        }
        pagedOut.sort(Comparator.comparingLong(QueueEntry::sequence));
        List<QueueEntry> gone;
        try {
            gone = bodies.readBack(log.get(), pagedOut);
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot read unacknowledged messages back from its log", owner, e);
            gone = new ArrayList<>();
            for (QueueEntry p : pagedOut) {
                if (p.isPagedOut()) {
                    gone.add(p);
                }
            }
        }
        if (gone.isEmpty()) {
            return copy;
        }
        LOG.error("{}: {} unacknowledged messages could not be read back from its log; they are lost", owner,
                gone.size());
        Set<QueueEntry> goneSet = Collections.newSetFromMap(new IdentityHashMap<>());
        goneSet.addAll(gone);
        copy.removeIf(goneSet::contains);
        lost.accept(gone);
        return copy;
    }
}
