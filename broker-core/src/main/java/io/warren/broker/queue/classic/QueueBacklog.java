package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.MessageRecord;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueWindow;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.queue.ReadyMemory;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's ready messages: a window of them in memory, the rest only in the queue's log on disk, read back in
 * order as the window empties. It also keeps the log in step with the queue: a durable queue's persistent
 * messages are appended as they arrive, deliveries and acks are recorded. Owned by the queue's thread.
 */
final class QueueBacklog implements Backlog {
    private static final Logger LOG = LoggerFactory.getLogger(QueueBacklog.class);

    /** Records read back at a time while memory is short. */
    private static final int SHORT_PAGE_IN = 256;

    private final String owner;
    private final boolean durable;
    private final QueueWindow window;
    private final Supplier<QueueLog> opener;
    private final BooleanSupplier memoryPressure;
    private final ReadyMemory readyMemory;
    // what this queue last told readyMemory it holds
    private long reportedBytes;
    private final ReadyMessages memory = new ReadyMessages();
    // messages given back that the window could not hold, and those given back since the last endPutBack
    private final RequeueSpill spill;
    private final List<QueueEntry> returning = new ArrayList<>();
    private final MessageRecord.NameCache names = new MessageRecord.NameCache();
    private final MessageRecord.Encoder encoder = new MessageRecord.Encoder();
    // paged out in this batch: their buffers must live until the log has written them
    private final List<Message> pagedOut = new ArrayList<>();
    // kept in memory and appended in this batch: if the write fails, their records do not exist
    private final List<QueueEntry> loggedInMemory = new ArrayList<>();
    private QueueLog log;
    private int paged;
    private long pagedBytes;
    private long tailSeq;
    private boolean unflushed;
    private boolean persistentAppended;
    private boolean batchMustSync;
    private IOException batchFailure;
    private boolean writesFailing;

    /** log is the durable queue's log as opened (and recovered), or null; a scratch log is opened on first need. */
    QueueBacklog(String owner, boolean durable, QueueStorage storage, QueueLog log) {
        this(owner, durable, storage, log, storage.scratchLogs());
    }

    /** As above, with opener giving the log on first need when log is null. */
    QueueBacklog(String owner, boolean durable, QueueStorage storage, QueueLog log, Supplier<QueueLog> opener) {
        this.owner = owner;
        this.durable = durable;
        this.window = storage.window();
        this.memoryPressure = storage.memoryPressure();
        this.readyMemory = storage.readyMemory();
        this.log = log;
        this.opener = opener;
        this.spill = new RequeueSpill(storage.scratchLogs(), this::openedLog);
        if (log != null && log.recoveredCount() > 0) {
            paged = Math.toIntExact(log.recoveredCount());
            pagedBytes = log.recoveredBytes();
            tailSeq = 0;
        }
    }

    /** The sequence number the queue continues with: past everything its log holds. */
    @Override
    public long nextSequence() {
        return log == null ? 0 : log.lastSeq() + 1;
    }

    @Override
    public int size() {
        return memory.size() + paged + spill.count() + returning.size();
    }

    @Override
    public boolean isEmpty() {
        return paged == 0 && memory.isEmpty() && spill.isEmpty() && returning.isEmpty();
    }

    /** Body bytes of the ready messages (those on disk as their log records count them). */
    @Override
    public long bytes() {
        return memory.bytes() + pagedBytes + spill.bytes();
    }

    /** Messages only on disk right now. */
    int pagedCount() {
        return paged;
    }

    /** Takes over one reference of the message, which expires at expiresAt (or never: QueueEntry.NEVER). */
    @Override
    public void add(Message m, long seq, long expiresAt) {
        boolean persistent = durable && m.isPersistent();
        boolean toDisk = paged > 0 || window.isFull(memory.size(), memory.bytes(), memoryPressure.getAsBoolean())
                || readyMemory.isFull(inMemoryBytes() - reportedBytes);
        boolean logged = false;
        if (persistent || toDisk) {
            logged = append(m, seq, persistent, expiresAt);
        }
        if (toDisk && logged) {
            if (paged++ == 0) {
                tailSeq = seq;
            }
            pagedBytes += m.bodySize();
            pagedOut.add(m);
        } else {
            QueueEntry e = new QueueEntry(m, seq, false, logged, expiresAt);
            memory.add(e);
            if (logged) {
                loggedInMemory.add(e);
            }
        }
    }

    private boolean append(Message m, long seq, boolean persistent, long expiresAt) {
        try {
            log().append(seq, persistent, encoder.encode(m, expiresAt));
            unflushed = true;
            persistentAppended |= persistent;
            return true;
        } catch (IOException | UncheckedIOException e) {
            if (batchFailure == null) {
                batchFailure = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
                writeFailed("cannot write to its log, keeping the message in memory only", batchFailure);
            }
            return false;
        }
    }

    // a full disk fails every batch: the first failure is logged in full, the rest only until writes work again
    private void writeFailed(String what, IOException cause) {
        if (!writesFailing) {
            writesFailing = true;
            LOG.error("{}: {} (further failures are logged without detail until a write succeeds)", owner, what,
                    cause);
        } else {
            LOG.debug("{}: {}: {}", owner, what, cause.toString());
        }
    }

    private QueueLog log() {
        if (log == null) {
            log = opener.get();
        }
        return log;
    }

    /**
     * Ends a batch of adds: writes what was appended and holds each barrier until its messages are fsynced (or
     * fails it when they could not be written).
     */
    @Override
    public void endBatch(QueueWork work) {
        IOException failure = writeBatch();
        boolean mustSync = batchMustSync;
        for (int i = 0, n = work.barrierCount(); i < n; i++) {
            PublishBarrier b = work.barrier(i);
            int holds = work.holds(i);
            if (failure != null) {
                b.fail(holds, failure);
            } else if (mustSync) {
                log.whenDurable(new BarrierRelease(b, holds));
            } else {
                b.release(holds);
            }
        }
    }

    /**
     * The part of {@link #endBatch} that leaves the barriers alone: writes what was appended and returns why it
     * could not be, or null. Afterwards {@link #batchMustSync()} says whether persistent records await an fsync.
     */
    IOException writeBatch() {
        IOException failure = batchFailure;
        batchFailure = null;
        batchMustSync = persistentAppended;
        persistentAppended = false;
        try {
            flush();
        } catch (IOException e) {
            failure = e;
            for (QueueEntry lost : loggedInMemory) {
                lost.markLogged(false);
            }
        }
        loggedInMemory.clear();
        reportMemory();
        pagedOut.forEach(Message::release);
        pagedOut.clear();
        encoder.reset();
        return failure;
    }

    /** True when the last {@link #writeBatch} wrote persistent records that are not yet fsynced. */
    boolean batchMustSync() {
        return batchMustSync;
    }

    /** The log, once opened (null before). */
    @Override
    public List<QueueLog> recoveredLogs() {
        return log != null && log.recoveredCount() > 0 ? List.of(log) : List.of();
    }

    QueueLog openedLog() {
        return log;
    }

    /** Writes appended records, delivery marks and acks out to the log's files (no fsync). */
    void flush() throws IOException {
        if (unflushed) {
            unflushed = false;
            try {
                log.flush();
                if (writesFailing) {
                    writesFailing = false;
                    LOG.info("{}: writing its log works again", owner);
                }
            } catch (IOException e) {
                // the log cut the failed records off: those paged out are lost, the rest stay in memory only
                writeFailed("writing its log failed; " + pagedOut.size() + " messages paged out in this batch "
                        + "are lost", e);
                paged -= pagedOut.size();
                throw e;
            }
        }
    }

    private long inMemoryBytes() {
        return memory.bytes() + (long) memory.size() * ReadyMemory.OVERHEAD_BYTES;
    }

    /** Tells the broker-wide budget what this queue holds in memory now; once per batch or task. */
    void reportMemory() {
        long now = inMemoryBytes();
        readyMemory.report(now - reportedBytes);
        reportedBytes = now;
    }

    /** Flushes, logging rather than throwing: what failed is only a delivery mark or an ack, redone on recovery. */
    @Override
    public void flushQuietly() {
        reportMemory();
        try {
            flush();
        } catch (IOException e) {
            // already logged
        }
    }

    /** The oldest ready message, left in place, or null; reads it back from disk if need be. */
    @Override
    public QueueEntry peek() {
        pageInSpill();
        if (memory.isEmpty() && paged > 0) {
            refill();
        }
        return memory.peek();
    }

    @Override
    public QueueEntry pollExpired(long now) {
        QueueEntry e = peek();
        return e != null && e.expiredAt(now) ? poll() : null;
    }

    @Override
    public long nextExpiry() {
        QueueEntry e = peek();
        return e == null ? QueueEntry.NEVER : e.expiresAt();
    }

    /** The oldest ready message, or null; refills the window from disk as it empties. */
    @Override
    public QueueEntry poll() {
        pageInSpill();
        refill();
        return memory.poll();
    }

    // a message given back comes before everything in the paged-out tail: only once none waits is the tail read
    private void refill() {
        if (paged > 0 && spill.isEmpty()) {
            // while memory is short, read back only what consumers are about to take
            boolean shortOfMemory = memoryPressure.getAsBoolean()
                    || readyMemory.isFull(inMemoryBytes() - reportedBytes);
            if (memory.size() <= (shortOfMemory ? SHORT_PAGE_IN / 2 : window.messages() / 2)) {
                pageIn(shortOfMemory ? SHORT_PAGE_IN : window.messages());
            }
        }
    }

    private void pageIn(int upTo) {
        int room = Math.max(1, upTo - memory.size());
        long roomBytes = Math.max(1, window.bytes() - memory.bytes());
        try {
            int n = log.read(tailSeq, Math.min(room, paged), roomBytes, (seq, persistent, delivered, payload) -> {
                long expiresAt = MessageRecord.expiresAt(payload);
                QueueEntry e = new QueueEntry(MessageRecord.decode(payload, names), seq, delivered, true, expiresAt);
                memory.add(e);
                pagedBytes = Math.max(0, pagedBytes - e.message().bodySize());
                tailSeq = seq + 1;
            });
            paged -= n;
            if (paged == 0) {
                pagedBytes = 0; // recovered records count their whole payload, read-back ones their body
            }
            if (n == 0) {
                LOG.error("{}: its log has no more records although {} messages were paged out; they are lost",
                        owner, paged);
                paged = 0;
                pagedBytes = 0;
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot read its log; {} paged-out messages are lost", owner, paged, e);
            paged = 0;
            pagedBytes = 0;
        }
    }

    /** Puts a message taken earlier back in its place (see {@link #endPutBack}). */
    @Override
    public void putBack(QueueEntry e) {
        returning.add(e);
    }

    /**
     * The messages given back go to their original places: as many as the window holds (and a page more, so that
     * one nack in a busy queue costs no round trip to disk) in memory, those of the latest positions on disk. A
     * consumer that goes away with a huge number unacknowledged thus leaves the queue its usual window in memory.
     */
    @Override
    public void endPutBack() {
        if (returning.isEmpty()) {
            return;
        }
        returning.sort(java.util.Comparator.comparingLong(QueueEntry::sequence));
        boolean pressure = memoryPressure.getAsBoolean();
        int kept = 0;
        // a paged-out unacked message stays on disk, and with it all that comes after it: read back in its turn
        while (kept < returning.size() && !returning.get(kept).isPagedOut() && (memory.size() < SHORT_PAGE_IN
                || !window.isFull(memory.size() - SHORT_PAGE_IN, memory.bytes(), pressure)
                && !readyMemory.isFull(inMemoryBytes() - reportedBytes))) {
            memory.putBack(returning.get(kept++));
        }
        if (kept < returning.size()) {
            List<QueueEntry> rest = returning.subList(kept, returning.size());
            try {
                spill.write(rest);
            } catch (IOException e) {
                writeFailed("cannot page out messages given back, keeping them in memory", e);
                rest.forEach(r -> {
                    if (!r.isPagedOut()) {
                        memory.putBack(r);
                    }
                });
            }
        }
        returning.clear();
        reportMemory();
    }

    // whenever the next message given back comes before the oldest in memory, a chunk of them is read back
    private void pageInSpill() {
        if (spill.isEmpty()) {
            return;
        }
        QueueEntry head = memory.peek();
        if (head != null && head.sequence() < spill.headPosition()) {
            return;
        }
        boolean shortOfMemory = memoryPressure.getAsBoolean() || readyMemory.isFull(inMemoryBytes() - reportedBytes);
        try {
            spill.readHead(shortOfMemory ? SHORT_PAGE_IN : Math.max(SHORT_PAGE_IN, window.messages() / 2),
                    memory::putBack, this::ackQuietly);
        } catch (IOException e) {
            LOG.error("{}: cannot read back messages given back to it; they are lost", owner, e);
        }
    }

    private void ackQuietly(long seq) {
        try {
            log.ack(seq);
            unflushed = true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot record an ack in its log", owner, e);
        }
    }

    /** A message leaves the queue for a consumer: noAck finishes it, otherwise a redelivery is remembered. */
    @Override
    public void delivered(QueueEntry e, boolean noAck) {
        if (!e.logged()) {
            return;
        }
        try {
            if (noAck) {
                e.markLogged(false);
                log.ack(e.sequence());
                unflushed = true;
            } else if (durable && !e.redelivered()) {
                log.markDelivered(e.sequence());
                unflushed = true;
            }
        } catch (IOException ex) {
            LOG.warn("{}: cannot record a delivery in its log", owner, ex);
        }
    }

    /** Deliveries finished with: their records are acked. */
    @Override
    public void settled(List<QueueEntry> entries) {
        for (int i = 0, n = entries.size(); i < n; i++) {
            settled(entries.get(i));
        }
    }

    /** One delivery finished with: its record is acked. */
    void settled(QueueEntry e) {
        if (e.logged()) {
            e.markLogged(false);
            ackQuietly(e.sequence());
        }
    }

    /** Drops every ready message, in memory and on disk; returns how many there were. */
    @Override
    public int purge() {
        int n = size();
        endPutBack();
        memory.clear(this::drop);
        spill.clear(this::ackQuietly);
        if (paged > 0) {
            try {
                log.ackFrom(tailSeq);
                unflushed = true;
            } catch (IOException e) {
                LOG.warn("{}: cannot record a purge in its log", owner, e);
            }
            paged = 0;
            pagedBytes = 0;
        }
        flushQuietly();
        return n;
    }

    private void drop(QueueEntry e) {
        settled(e);
        e.message().release();
    }

    /** The queue is gone: its messages and its log with them. */
    @Override
    public void delete() {
        memory.clear(e -> e.message().release());
        returning.forEach(QueueEntry::releaseMessage);
        returning.clear();
        spill.delete();
        reportMemory();
        paged = 0;
        pagedBytes = 0;
        if (log != null) {
            try {
                log.delete();
            } catch (IOException e) {
                LOG.warn("{}: cannot remove its log", owner, e);
            }
            log = null;
        }
    }

    /** Releases every message in memory (broker shutting down); the log stays as it is. */
    @Override
    public void releaseMemory() {
        memory.clear(e -> e.message().release());
        returning.forEach(QueueEntry::releaseMessage);
        returning.clear();
        spill.delete();
        reportMemory();
    }
}
