package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.MessageRecord;
import io.warren.broker.queue.QueueEntry;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Messages given back to a queue (by a consumer that went away, a nack or a recover) that its memory window cannot
 * hold. They belong before the queue's paged-out tail, at their original places among the messages in memory, so
 * they cannot join that tail in its log, which only appends. They go to a scratch log of their own instead, each
 * batch sorted by position as one run, and are read back a chunk at a time whenever a run's next position comes
 * before the oldest message in memory. Memory keeps 8 bytes and a bit per message on disk. Unacked messages that
 * were paged out ({@link UnackedPaging}) are not copied: their run keeps the entries, whose records are still live
 * in the queue's own log, and reads their messages from there. Owned by the queue's thread.
 */
final class RequeueSpill {
    // per record, before the message: its position in the queue, its flags and how often it was returned
    private static final int PREFIX_BYTES = 8 + 1 + 4;
    private static final int REDELIVERED = 1;
    private static final int LOGGED = 2;
    /** Records appended between two writes: bounds the direct buffer their prefixes are cut from. */
    private static final int WRITE_CHUNK = 4096;

    /** One batch's entries on disk, in position order, at consecutive sequence numbers of the spill log. */
    private static final class Run {
        final long[] positions;
        // those whose record in the queue's own log is live: dropped unread, it must still be acked there
        final BitSet logged = new BitSet();
        final long firstSeq;
        // a run of paged-out entries, read back from the queue's log; null for a run in the spill log
        final QueueEntry[] entries;
        int next;

        Run(int size, long firstSeq) {
            this.positions = new long[size];
            this.firstSeq = firstSeq;
            this.entries = null;
        }

        Run(List<QueueEntry> pagedOut) {
            this.entries = pagedOut.toArray(new QueueEntry[0]);
            this.positions = new long[entries.length];
            this.firstSeq = -1;
            for (int i = 0; i < entries.length; i++) {
                positions[i] = entries[i].sequence();
                logged.set(i);
            }
        }

        boolean done() {
            return next == positions.length;
        }
    }

    private final Supplier<QueueLog> opener;
    private final Supplier<QueueLog> queueLog;
    private final LoggedBodies loggedBodies = new LoggedBodies();
    private final MessageRecord.Encoder encoder = new MessageRecord.Encoder();
    private final MessageRecord.NameCache names = new MessageRecord.NameCache();
    private final List<Run> runs = new ArrayList<>();
    private QueueLog log;
    private ByteBuffer prefixes;
    private int count;
    private long bytes;

    /** opener gives the spill log on first need; queueLog the queue's own log, which paged-out entries are in. */
    RequeueSpill(Supplier<QueueLog> opener, Supplier<QueueLog> queueLog) {
        this.opener = opener;
        this.queueLog = queueLog;
    }

    int count() {
        return count;
    }

    /** Body bytes of the messages on disk. */
    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /**
     * Writes the entries (sorted by position) out and releases their messages; paged-out ones are only kept track
     * of. Throws if they could not be written; the entries that have a message are then as they were.
     */
    void write(List<QueueEntry> entries) throws IOException {
        List<QueueEntry> sorted = entries;
        List<QueueEntry> pagedOut = null;
        for (int i = 0, n = entries.size(); i < n; i++) {
            if (entries.get(i).isPagedOut()) {
                pagedOut = new ArrayList<>();
                sorted = new ArrayList<>();
                for (QueueEntry e : entries) {
                    (e.isPagedOut() ? pagedOut : sorted).add(e);
                }
                break;
            }
        }
        if (pagedOut != null) {
            runs.add(new Run(pagedOut));
            count += pagedOut.size();
            for (QueueEntry e : pagedOut) {
                bytes += e.bodySize();
            }
        }
        if (sorted.isEmpty()) {
            return;
        }
        if (log == null) {
            try {
                log = opener.get();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (prefixes == null) {
            prefixes = ByteBuffer.allocateDirect(PREFIX_BYTES * WRITE_CHUNK);
        }
        Run run = new Run(sorted.size(), log.lastSeq() + 1);
        long seq = run.firstSeq;
        for (int from = 0; from < sorted.size(); from += WRITE_CHUNK) {
            int to = Math.min(sorted.size(), from + WRITE_CHUNK);
            prefixes.clear();
            try {
                for (int i = from; i < to; i++) {
                    QueueEntry e = sorted.get(i);
                    ByteBuffer prefix = prefixes.slice(prefixes.position(), PREFIX_BYTES);
                    prefixes.position(prefixes.position() + PREFIX_BYTES);
                    prefix.putLong(e.sequence()).put((byte) ((e.redelivered() ? REDELIVERED : 0)
                            | (e.logged() ? LOGGED : 0))).putInt(e.returns()).flip();
                    ByteBuffer[] parts = encoder.encode(e.message(), e.expiresAt());
                    ByteBuffer[] all = new ByteBuffer[parts.length + 1];
                    all[0] = prefix;
                    System.arraycopy(parts, 0, all, 1, parts.length);
                    log.append(seq++, false, all);
                }
                log.flush();
            } catch (IOException | RuntimeException ex) {
                // those of this run already written stay in the log unread: forget them there
                for (long s = run.firstSeq; s < seq; s++) {
                    log.ack(s);
                }
                encoder.reset();
                throw ex instanceof IOException io ? io : new IOException(ex);
            }
            encoder.reset();
        }
        for (int i = 0; i < sorted.size(); i++) {
            QueueEntry e = sorted.get(i);
            run.positions[i] = e.sequence();
            if (e.logged()) {
                run.logged.set(i);
            }
            bytes += e.message().bodySize();
            e.message().release();
        }
        count += sorted.size();
        runs.add(run);
    }

    /** The smallest position on disk, or Long.MAX_VALUE when there is none. */
    long headPosition() {
        long min = Long.MAX_VALUE;
        for (int i = 0, n = runs.size(); i < n; i++) {
            Run r = runs.get(i);
            min = Math.min(min, r.positions[r.next]);
        }
        return min;
    }

    /**
     * Reads back up to max entries of the run whose next position is the smallest, handing each to the sink in
     * position order. Returns how many; an unreadable run is given up (and reported) rather than retried forever.
     */
    int readHead(int max, Consumer<QueueEntry> sink, LongConsumer lostLogged) throws IOException {
        Run head = null;
        for (int i = 0, n = runs.size(); i < n; i++) {
            Run r = runs.get(i);
            if (head == null || r.positions[r.next] < head.positions[head.next]) {
                head = r;
            }
        }
        if (head == null) {
            return 0;
        }
        Run run = head;
        int want = Math.min(max, run.positions.length - run.next);
        if (run.entries != null) {
            return readPagedOut(run, want, sink, lostLogged);
        }
        int n;
        try {
            n = log.read(run.firstSeq + run.next, want, Long.MAX_VALUE, (seq, persistent, delivered, payload) -> {
                int at = payload.position();
                long position = payload.getLong(at);
                int flags = payload.get(at + 8);
                int returns = payload.getInt(at + 9);
                payload.position(at + PREFIX_BYTES);
                long expiresAt = MessageRecord.expiresAt(payload);
                Message m = MessageRecord.decode(payload, names);
                QueueEntry e = new QueueEntry(m, position, (flags & REDELIVERED) != 0, (flags & LOGGED) != 0,
                        expiresAt);
                e.restoreReturns(returns);
                try {
                    log.ack(seq);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                run.next++;
                count--;
                bytes -= m.bodySize();
                sink.accept(e);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (n == 0) {
            // the log lost them: what they held in the queue's own log is acked there so that it does not linger
            dropRun(run, lostLogged);
            throw new IOException((run.positions.length - run.next) + " requeued messages could not be read back");
        }
        if (run.done()) {
            runs.remove(run);
        }
        if (runs.isEmpty()) {
            bytes = 0;
        }
        return n;
    }

    // paged-out entries: their messages come from the queue's log, whose records stay live until acked
    private int readPagedOut(Run run, int want, Consumer<QueueEntry> sink, LongConsumer lostLogged)
            throws IOException {
        List<QueueEntry> chunk = java.util.Arrays.asList(run.entries).subList(run.next, run.next + want);
        List<QueueEntry> lost;
        try {
            lost = loggedBodies.readBack(queueLog.get(), chunk);
        } catch (IOException | RuntimeException e) {
            dropRun(run, lostLogged);
            throw e instanceof IOException io ? io : new IOException(e);
        }
        int n = 0;
        for (int i = run.next, end = run.next + want; i < end; i++) {
            QueueEntry e = run.entries[i];
            run.entries[i] = null;
            count--;
            bytes -= e.bodySize();
            if (e.isPagedOut()) {
                lostLogged.accept(e.sequence());
            } else {
                sink.accept(e);
                n++;
            }
        }
        run.next += want;
        if (run.done()) {
            runs.remove(run);
        }
        if (runs.isEmpty()) {
            bytes = 0;
        }
        if (!lost.isEmpty()) {
            throw new IOException(lost.size() + " unacked messages given back are missing from the queue's log");
        }
        return n;
    }

    private void dropRun(Run run, LongConsumer lostLogged) {
        for (int i = run.logged.nextSetBit(run.next); i >= 0; i = run.logged.nextSetBit(i + 1)) {
            lostLogged.accept(run.positions[i]);
        }
        count -= run.positions.length - run.next;
        run.next = run.positions.length;
        runs.remove(run);
        if (runs.isEmpty()) {
            count = 0;
            bytes = 0;
        }
    }

    /**
     * Drops every entry on disk unread, handing the position of each whose record in the queue's own log is live
     * to logged (to be acked there); returns how many there were. The spill log goes with them.
     */
    int clear(LongConsumer logged) {
        int n = count;
        for (Run run : new ArrayList<>(runs)) {
            dropRun(run, logged);
        }
        delete();
        return n;
    }

    /** Removes the spill log (the queue is gone, or it was emptied). */
    void delete() {
        runs.clear();
        count = 0;
        bytes = 0;
        if (log != null) {
            try {
                log.delete();
            } catch (IOException | RuntimeException e) {
                // a scratch log: whatever is left of it goes at the next start
            }
            log = null;
        }
    }
}
