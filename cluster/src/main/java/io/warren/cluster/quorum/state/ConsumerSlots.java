package io.warren.cluster.quorum.state;

import io.warren.cluster.quorum.state.ConsumerState.Status;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A queue's consumers and which of them takes the next message, as Warren's classic queue and RabbitMQ choose: the
 * highest x-priority with credit first, equals in turn (least recently served first, then the earliest
 * registered). With single active consumer only the active one receives: the first registered, and when it goes,
 * the waiting one with the highest priority (the earliest among equals). Iteration order is registration order,
 * so every replica chooses alike.
 */
final class ConsumerSlots {
    private final LinkedHashMap<ConsumerKey, ConsumerState> consumers = new LinkedHashMap<>();
    /** Increases with each delivery; a consumer's lastServed is a reading of it. */
    private long serviceClock;

    ConsumerState get(ConsumerKey key) {
        return consumers.get(key);
    }

    Collection<ConsumerState> all() {
        return consumers.values();
    }

    long serviceClock() {
        return serviceClock;
    }

    void restore(ConsumerState c, long clock) {
        consumers.put(c.key, c);
        serviceClock = clock;
    }

    /** True when a consumer that receives (active or waiting) exists. */
    boolean hasReceivers() {
        for (ConsumerState c : consumers.values()) {
            if (c.status == Status.ACTIVE || c.status == Status.WAITING) {
                return true;
            }
        }
        return false;
    }

    /** True when a receiving consumer asked for exclusive use. */
    boolean hasExclusive() {
        for (ConsumerState c : consumers.values()) {
            if (c.exclusive && (c.status == Status.ACTIVE || c.status == Status.WAITING)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a consumer; with single active consumer it waits when another is active. Returns the added state. A key
     * that is there already (a getter starting to consume) is replaced, keeping what it holds.
     */
    ConsumerState add(Command.Checkout c, boolean singleActive, List<Effect> effects) {
        ConsumerState old = consumers.remove(c.consumer());
        Status status = Status.ACTIVE;
        if (singleActive) {
            status = active() == null ? Status.ACTIVE : Status.WAITING;
        }
        ConsumerState s = new ConsumerState(c.consumer(), c.prefetch(), c.priority(), c.exclusive(), c.noAck(),
                status, 0);
        if (old != null) {
            s.checkedOut.putAll(old.checkedOut);
        }
        consumers.put(s.key, s);
        if (singleActive) {
            effects.add(new Effect.ConsumerActivity(c.queue(), s.key, status == Status.ACTIVE));
        }
        return s;
    }

    /** A getter's entry, made when it first holds a message. */
    ConsumerState getter(ConsumerKey key) {
        return consumers.computeIfAbsent(key, k -> new ConsumerState(k, 0, 0, false, false, Status.GETTER, 0));
    }

    /**
     * The consumer stops receiving (it stays while it holds messages); with single active consumer, the next one
     * becomes active.
     */
    void stop(QueueKey queue, ConsumerState c, boolean singleActive, List<Effect> effects) {
        boolean wasActive = c.status == Status.ACTIVE;
        c.status = Status.CANCELLED;
        if (singleActive && wasActive) {
            promote(queue, effects);
        }
    }

    /** As {@link #stop} for several consumers together: at most one hand-over. */
    void stopAll(QueueKey queue, List<ConsumerState> stopped, boolean singleActive, List<Effect> effects) {
        boolean activeLost = false;
        for (ConsumerState c : stopped) {
            activeLost |= c.status == Status.ACTIVE;
            c.status = Status.CANCELLED;
        }
        if (singleActive && activeLost) {
            promote(queue, effects);
        }
    }

    /** Forgets a consumer that no longer holds anything. */
    void removeIfFinished(ConsumerState c) {
        if (c.finished()) {
            consumers.remove(c.key);
        }
    }

    /** Single active consumer was switched on or off by a policy: the statuses follow. */
    void reconsider(QueueKey queue, boolean singleActive, List<Effect> effects) {
        if (!singleActive) {
            for (ConsumerState c : consumers.values()) {
                if (c.status == Status.WAITING) {
                    c.status = Status.ACTIVE;
                }
            }
            return;
        }
        ConsumerState keep = active();
        for (ConsumerState c : consumers.values()) {
            if (c.status == Status.ACTIVE && c != keep) {
                c.status = Status.WAITING;
                effects.add(new Effect.ConsumerActivity(queue, c.key, false));
            }
        }
        if (keep == null) {
            promote(queue, effects);
        }
    }

    private void promote(QueueKey queue, List<Effect> effects) {
        ConsumerState best = null;
        for (ConsumerState c : consumers.values()) {
            if (c.status == Status.WAITING && (best == null || c.priority > best.priority)) {
                best = c;
            }
        }
        if (best != null) {
            best.status = Status.ACTIVE;
            effects.add(new Effect.ConsumerActivity(queue, best.key, true));
        }
    }

    private ConsumerState active() {
        for (ConsumerState c : consumers.values()) {
            if (c.status == Status.ACTIVE) {
                return c;
            }
        }
        return null;
    }

    /** The consumer to take the next message, or null when none has credit. */
    ConsumerState next() {
        ConsumerState best = null;
        for (ConsumerState c : consumers.values()) {
            if (!c.hasCredit()) {
                continue;
            }
            if (best == null || c.priority > best.priority
                    || (c.priority == best.priority && c.lastServed < best.lastServed)) {
                best = c;
            }
        }
        return best;
    }

    /** The consumer took a message: it goes to the back of its priority's turn. */
    void served(ConsumerState c) {
        c.lastServed = ++serviceClock;
    }

    /** The consumers of a node, in registration order. */
    List<ConsumerState> ofNode(String node) {
        List<ConsumerState> out = new ArrayList<>();
        for (ConsumerState c : consumers.values()) {
            if (c.key.node().equals(node)) {
                out.add(c);
            }
        }
        return out;
    }

    void remove(ConsumerState c) {
        consumers.remove(c.key);
    }

    int receivers() {
        int n = 0;
        for (ConsumerState c : consumers.values()) {
            if (c.status == Status.ACTIVE || c.status == Status.WAITING) {
                n++;
            }
        }
        return n;
    }
}
