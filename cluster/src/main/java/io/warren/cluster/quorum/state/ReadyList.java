package io.warren.cluster.quorum.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A queue's ready messages in two lanes, normal and high priority (a message priority above 4, as RabbitMQ's quorum
 * queues map it). Each lane is in msgId order: new messages append, returned ones go back to their original place.
 * The next message is a high one, except that after two highs in a row a waiting normal one goes (RabbitMQ's 2:1),
 * so normal messages are never starved.
 */
final class ReadyList {
    /** Priorities above this are the high lane. */
    static final int HIGH_ABOVE = 4;

    private final Lane normal = new Lane();
    private final Lane high = new Lane();
    /** Highs taken in a row while normal ones waited. */
    private int highStreak;

    int size() {
        return normal.size() + high.size();
    }

    long bytes() {
        return normal.bytes + high.bytes;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    int highStreak() {
        return highStreak;
    }

    void restoreHighStreak(int streak) {
        highStreak = streak;
    }

    /** A new message, after every other of its lane. */
    void add(MessageRef m) {
        lane(m).add(m);
    }

    /** A message taken earlier comes back to its place in its lane. */
    void putBack(MessageRef m) {
        lane(m).putBack(m);
    }

    /** The message {@link #poll} would take, left in place; null when empty. */
    MessageRef peek() {
        return takesHigh() ? high.peek() : normal.peek();
    }

    /** The next message to deliver, or null. */
    MessageRef poll() {
        if (takesHigh()) {
            if (!normal.isEmpty()) {
                highStreak++;
            }
            return high.poll();
        }
        highStreak = 0;
        return normal.poll();
    }

    private boolean takesHigh() {
        return !high.isEmpty() && (normal.isEmpty() || highStreak < 2);
    }

    /** The oldest message of either lane (what drop-head drops), taken out; null when empty. */
    MessageRef pollOldest() {
        MessageRef a = normal.peek();
        MessageRef b = high.peek();
        if (a == null && b == null) {
            return null;
        }
        return b == null || (a != null && a.msgId < b.msgId) ? normal.poll() : high.poll();
    }

    /**
     * The earliest expiry time among the two lane heads ({@link MessageRef#NEVER} when neither expires). Only heads
     * expire (as in RabbitMQ), so this is when the list next has something to expire.
     */
    long headExpiry() {
        MessageRef a = normal.peek();
        MessageRef b = high.peek();
        return Math.min(a == null ? MessageRef.NEVER : a.expiresAt, b == null ? MessageRef.NEVER : b.expiresAt);
    }

    /** Takes out the lane heads that expired by now, oldest first, into dead. */
    void pollExpired(long now, List<MessageRef> dead) {
        while (true) {
            MessageRef a = normal.peek();
            MessageRef b = high.peek();
            boolean aDue = a != null && a.expiredAt(now);
            boolean bDue = b != null && b.expiredAt(now);
            if (!aDue && !bDue) {
                return;
            }
            dead.add(aDue && (!bDue || a.msgId < b.msgId) ? normal.poll() : high.poll());
        }
    }

    /** Removes every message, in msgId order per lane (normal first), handing each to the action. */
    void clear(Consumer<MessageRef> action) {
        normal.drain(action);
        high.drain(action);
        highStreak = 0;
    }

    /** Each lane's messages in their order (normal lane first), for a snapshot. */
    void forEach(Consumer<MessageRef> action) {
        normal.forEach(action);
        high.forEach(action);
    }

    private Lane lane(MessageRef m) {
        return m.high ? high : normal;
    }

    /**
     * One lane: never-delivered messages in a FIFO and returned ones in a map by msgId. A message is only ever
     * taken at its lane's head, so every returned one sorts before every fresh one; the head is the lower of both.
     */
    private static final class Lane {
        private final ArrayDeque<MessageRef> fresh = new ArrayDeque<>();
        private final TreeMap<Long, MessageRef> returned = new TreeMap<>();
        long bytes;

        int size() {
            return fresh.size() + returned.size();
        }

        boolean isEmpty() {
            return fresh.isEmpty() && returned.isEmpty();
        }

        void add(MessageRef m) {
            fresh.addLast(m);
            bytes += m.size;
        }

        void putBack(MessageRef m) {
            returned.put(m.msgId, m);
            bytes += m.size;
        }

        MessageRef peek() {
            MessageRef f = fresh.peekFirst();
            var r = returned.firstEntry();
            return r != null && (f == null || r.getKey() < f.msgId) ? r.getValue() : f;
        }

        MessageRef poll() {
            MessageRef f = fresh.peekFirst();
            var r = returned.firstEntry();
            MessageRef m;
            if (r != null && (f == null || r.getKey() < f.msgId)) {
                m = returned.pollFirstEntry().getValue();
            } else {
                m = fresh.pollFirst();
            }
            if (m != null) {
                bytes -= m.size;
            }
            return m;
        }

        void drain(Consumer<MessageRef> action) {
            MessageRef m;
            while ((m = poll()) != null) {
                action.accept(m);
            }
        }

        void forEach(Consumer<MessageRef> action) {
            List<MessageRef> all = new ArrayList<>(returned.values());
            all.addAll(fresh);
            all.forEach(action);
        }
    }
}
