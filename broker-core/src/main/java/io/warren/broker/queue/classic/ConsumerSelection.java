package io.warren.broker.queue.classic;

import io.warren.broker.queue.QueueConsumer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which of a queue's consumers takes the next message, as in RabbitMQ. Consumers with the highest x-priority get
 * messages while they have credit; a lower priority gets some only when every higher one is blocked (prefetch
 * full, socket busy, consume-ok not yet sent); consumers of equal priority take turns. With a single active
 * consumer, only that one receives: the first registered, and when it goes, the waiting one with the highest
 * priority (the earliest registered among equals). Owned by the queue's thread; choosing allocates nothing.
 */
final class ConsumerSelection {
    private final boolean singleActive;
    /** By priority, highest first; in registration order within a priority. */
    private final List<QueueConsumer> consumers = new ArrayList<>();
    /** Where each priority group ends in {@link #consumers}, and its round-robin cursor. */
    private int[] groupEnds = new int[0];
    private int[] cursors = new int[0];
    private QueueConsumer active;
    private boolean hadAny;

    ConsumerSelection(boolean singleActive) {
        this.singleActive = singleActive;
    }

    boolean singleActive() {
        return singleActive;
    }

    boolean isEmpty() {
        return consumers.isEmpty();
    }

    int size() {
        return consumers.size();
    }

    /** The consumers, highest priority first; do not modify. */
    List<QueueConsumer> all() {
        return consumers;
    }

    /** True once a consumer was added (an auto-delete queue goes only when its last consumer goes). */
    boolean hadAny() {
        return hadAny;
    }

    void add(QueueConsumer c) {
        hadAny = true;
        int at = consumers.size();
        while (at > 0 && consumers.get(at - 1).priority() < c.priority()) {
            at--;
        }
        consumers.add(at, c);
        regroup();
        if (singleActive) {
            if (active == null) {
                activate(c);
            } else {
                c.markWaiting(true);
            }
        }
    }

    /** Removes a consumer; returns false if it was not there. A single active consumer hands over. */
    boolean remove(QueueConsumer c) {
        if (!consumers.remove(c)) {
            return false;
        }
        regroup();
        if (c == active) {
            active = null;
            if (!consumers.isEmpty()) {
                activate(consumers.get(0));
            }
        }
        return true;
    }

    private void activate(QueueConsumer c) {
        active = c;
        c.markWaiting(false);
    }

    /** True when one of the consumers asked for exclusive access. */
    boolean hasExclusive() {
        for (QueueConsumer c : consumers) {
            if (c.exclusive()) {
                return true;
            }
        }
        return false;
    }

    /** The queue is deleted: every consumer is removed and told (basic.cancel to those that understand it). */
    void cancelAll() {
        List<QueueConsumer> cs = new ArrayList<>(consumers);
        consumers.clear();
        active = null;
        regroup();
        for (QueueConsumer c : cs) {
            c.target().cancelledByServer(c);
        }
    }

    /**
     * The consumer to take the next message, with one delivery's credit reserved; null when none can take one
     * now (those tried are marked starved, so returning credit wakes the queue).
     */
    QueueConsumer next() {
        if (singleActive) {
            QueueConsumer c = active;
            return c != null && c.isActive() && c.tryReserveOrMarkStarved() ? c : null;
        }
        int start = 0;
        for (int g = 0; g < groupEnds.length; g++) {
            int end = groupEnds[g];
            int size = end - start;
            int cursor = cursors[g];
            for (int tried = 0; tried < size; tried++) {
                if (cursor >= size) {
                    cursor = 0;
                }
                QueueConsumer c = consumers.get(start + cursor++);
                if (c.isActive() && c.tryReserveOrMarkStarved()) {
                    cursors[g] = cursor;
                    return c;
                }
            }
            cursors[g] = cursor;
            start = end;
        }
        return null;
    }

    // consumers come and go rarely: the groups are worked out again each time, keeping the cursors where they can
    private void regroup() {
        int groups = 0;
        for (int i = 0; i < consumers.size(); i++) {
            if (i == 0 || consumers.get(i).priority() != consumers.get(i - 1).priority()) {
                groups++;
            }
        }
        int[] ends = new int[groups];
        int g = -1;
        for (int i = 0; i < consumers.size(); i++) {
            if (i == 0 || consumers.get(i).priority() != consumers.get(i - 1).priority()) {
                g++;
            }
            ends[g] = i + 1;
        }
        groupEnds = ends;
        cursors = Arrays.copyOf(cursors, groups);
    }
}
