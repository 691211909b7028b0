package io.warren.broker.queue.classic;

import io.warren.broker.queue.QueueEntry;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A queue's ready messages in their original order. New messages append to a FIFO; requeued ones go to a
 * small heap by position, and the head is whichever of the two is older, so a requeue never reorders or
 * copies the backlog.
 */
final class ReadyMessages {
    private final ArrayDeque<QueueEntry> fresh = new ArrayDeque<>();
    private final PriorityQueue<QueueEntry> requeued =
            new PriorityQueue<>(Comparator.comparingLong(QueueEntry::sequence));
    private long bytes;

    void add(QueueEntry e) {
        fresh.add(e);
        bytes += e.message().bodySize();
    }

    /** Puts back an entry taken earlier; it returns to its original place. */
    void putBack(QueueEntry e) {
        requeued.add(e);
        bytes += e.message().bodySize();
    }

    /** The oldest entry, left in place, or null. */
    QueueEntry peek() {
        QueueEntry a = fresh.peekFirst();
        QueueEntry b = requeued.peek();
        return b != null && (a == null || b.sequence() < a.sequence()) ? b : a;
    }

    /** The oldest entry, or null. */
    QueueEntry poll() {
        QueueEntry a = fresh.peekFirst();
        QueueEntry b = requeued.peek();
        QueueEntry e;
        if (b != null && (a == null || b.sequence() < a.sequence())) {
            e = requeued.poll();
        } else {
            e = fresh.pollFirst();
        }
        if (e != null) {
            bytes -= e.message().bodySize();
        }
        return e;
    }

    int size() {
        return fresh.size() + requeued.size();
    }

    boolean isEmpty() {
        return fresh.isEmpty() && requeued.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    /** Removes everything, handing each entry to the given action. */
    void clear(Consumer<QueueEntry> action) {
        QueueEntry e;
        while ((e = poll()) != null) {
            action.accept(e);
        }
        bytes = 0;
    }
}
