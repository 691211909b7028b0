package io.warren.cluster.quorum.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one shard: its quorum queues by vhost and name, the enqueue origins it has seen (to drop retried
 * enqueues) and the latest leader time it applied. Applying a command changes the state and returns the effects,
 * and reads nothing else (no clock, no configuration, no randomness, no I/O), so every replica that applies the same
 * log holds the same state and computes the same effects. Not thread-safe: one apply thread owns it.
 */
public final class ShardState {
    /** An origin not heard from for this long (leader time) is forgotten, as its node has long moved on. */
    public static final long ORIGIN_IDLE_MS = 10 * 60 * 1000;

    final LinkedHashMap<QueueKey, QueueState> queues = new LinkedHashMap<>();
    final LinkedHashMap<Origin, OriginSeen> origins = new LinkedHashMap<>();
    /** The latest leader time applied: time never runs backwards, even across a leader change. */
    long now;

    /** The last sequence number applied from an origin, and the leader time it was last heard from. */
    static final class OriginSeen {
        long lastSeq;
        long lastSeen;

        OriginSeen(long lastSeq, long lastSeen) {
            this.lastSeq = lastSeq;
            this.lastSeen = lastSeen;
        }
    }

    /** Applies one entry's commands in order; returns their effects in order. */
    public List<Effect> apply(CommandBatch batch) {
        List<Effect> fx = new ArrayList<>();
        for (Command c : batch.commands()) {
            apply(c, fx);
        }
        return fx;
    }

    /** Applies one command; returns its effects. */
    public List<Effect> apply(Command c) {
        List<Effect> fx = new ArrayList<>();
        apply(c, fx);
        return fx;
    }

    private void apply(Command c, List<Effect> fx) {
        if (c instanceof Command.Enqueue e) {
            enqueue(e, fx);
        } else if (c instanceof Command.Tick t) {
            advance(t.time());
            tick(fx);
        } else if (c instanceof Command.NodeDown d) {
            for (QueueState q : queues.values()) {
                q.nodeDown(d.node(), now, fx);
            }
        } else if (c instanceof Command.AttachQueue a) {
            attach(a, fx);
        } else if (c instanceof Command.DetachQueue d) {
            QueueState q = queues.get(d.queue());
            // a stale detach (of an earlier queue of that name) must not delete the one declared after it
            if (q != null && d.defsIndex() >= q.defsIndex) {
                queues.remove(d.queue());
                q.detach(fx);
            }
        } else {
            applyToQueue(c, fx);
        }
    }

    private void applyToQueue(Command c, List<Effect> fx) {
        QueueState q = queues.get(c.queue());
        if (q == null) {
            missing(c, fx);
            return;
        }
        if (c instanceof Command.Checkout || c instanceof Command.Cancel || c instanceof Command.Dequeue
                || c instanceof Command.Touch) {
            q.lastUsed = now; // x-expires: consuming, a consumer leaving, basic.get and a declaration are uses
        }
        if (c instanceof Command.ConfigureQueue k) {
            q.configure(k.defsIndex(), k.config(), now, fx);
        } else if (c instanceof Command.Checkout k) {
            q.checkout(k, now, fx);
        } else if (c instanceof Command.Cancel k) {
            q.cancel(k, now, fx);
        } else if (c instanceof Command.Settle k) {
            q.settle(k, now, fx);
        } else if (c instanceof Command.Return k) {
            q.giveBack(k, now, fx);
        } else if (c instanceof Command.Discard k) {
            q.discard(k, now, fx);
        } else if (c instanceof Command.Dequeue k) {
            q.dequeue(k, now, fx);
        } else if (c instanceof Command.Purge) {
            q.purge(fx);
        } else if (c instanceof Command.DeadLetterSettle k) {
            q.deadLetterSettle(k, fx);
        } else if (c instanceof Command.Touch) {
            return; // only its use counts (above)
        } else {
            throw new IllegalStateException("no rule to apply " + c);
        }
    }

    // a command for a queue this shard does not have (deleted meanwhile): the caller hears what it waits for
    private void missing(Command c, List<Effect> fx) {
        if (c instanceof Command.Checkout k) {
            fx.add(new Effect.ConsumerRefused(k.queue(), k.consumer(), "no such queue"));
        } else if (c instanceof Command.Dequeue k) {
            fx.add(new Effect.DequeueEmpty(k.queue(), k.getter()));
        } else if (c instanceof Command.Purge k) {
            fx.add(new Effect.Purged(k.queue(), 0));
        }
    }

    private void enqueue(Command.Enqueue e, List<Effect> fx) {
        advance(e.time());
        OriginSeen seen = origins.get(e.origin());
        if (seen != null && e.seq() <= seen.lastSeq) {
            seen.lastSeen = now;
            fx.add(new Effect.EnqueueDuplicate(e.queue(), e.origin(), e.seq()));
            return;
        }
        if (seen == null) {
            origins.put(e.origin(), new OriginSeen(e.seq(), now));
        } else {
            seen.lastSeq = e.seq();
            seen.lastSeen = now;
        }
        QueueState q = queues.get(e.queue());
        if (q == null) {
            fx.add(new Effect.EnqueueRefused(e.queue(), e.origin(), e.seq(), "no such queue"));
            return;
        }
        q.enqueue(e, now, fx);
    }

    private void attach(Command.AttachQueue a, List<Effect> fx) {
        QueueState q = queues.get(a.queue());
        if (q == null) {
            q = new QueueState(a.queue(), a.defsIndex(), a.config());
            q.lastUsed = now;
            queues.put(a.queue(), q);
        } else if (a.defsIndex() > q.defsIndex) {
            // declared again at a later index (its delete was not seen here): the newer config holds
            q.defsIndex = a.defsIndex();
            q.lastUsed = now;
            q.configure(a.defsIndex(), a.config(), now, fx);
        }
    }

    private void tick(List<Effect> fx) {
        for (QueueState q : queues.values()) {
            q.tick(now, fx);
        }
        for (Iterator<OriginSeen> it = origins.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastSeen > ORIGIN_IDLE_MS) {
                it.remove();
            }
        }
    }

    private void advance(long time) {
        now = Math.max(now, time);
    }

    /**
     * The leader time of the entry about to be applied: time passes for every command, not only those that carry
     * it (enqueues, ticks), so that a consume or a basic.get is dated when it happened (x-expires counts from it).
     * Never runs backwards. Called by the replica with the time stamped on each entry, so it is part of the log.
     */
    public void passTime(long leaderTime) {
        advance(leaderTime);
    }

    /**
     * The leader time at which a {@link Command.Tick} would expire a message: the earliest expiry among the queues'
     * ready lane heads (only heads expire), plus one as expiry is strictly after a message's time;
     * {@link Long#MAX_VALUE} when no ready head expires. Read-only; the leader schedules its tick from it.
     */
    public long nextExpiry() {
        long at = Long.MAX_VALUE;
        for (QueueState q : queues.values()) {
            at = Math.min(at, q.nextExpiry());
        }
        return at;
    }

    /**
     * The queues that have no consumer (receiving, active or waiting), each with the leader time it was last used
     * (see {@link QueueState#lastUsed}), in attach order. What the leader checks against each one's x-expires.
     */
    public Map<QueueKey, Long> unusedSince() {
        Map<QueueKey, Long> out = new LinkedHashMap<>();
        for (QueueState q : queues.values()) {
            if (!q.consumers.hasReceivers()) {
                out.put(q.key, q.lastUsed);
            }
        }
        return out;
    }

    /** The latest leader time applied. */
    public long time() {
        return now;
    }

    /** The queues of the shard, in the order they were attached. */
    public Set<QueueKey> queueKeys() {
        return Collections.unmodifiableSet(queues.keySet());
    }

    /** The queue's counts, or null when the shard has no such queue. */
    public QueueCounts counts(QueueKey queue) {
        QueueState q = queues.get(queue);
        return q == null ? null : q.counts();
    }

    /** The queue's current config, or null when the shard has no such queue. */
    public QueueConfig config(QueueKey queue) {
        QueueState q = queues.get(queue);
        return q == null ? null : q.config;
    }

    /** The definitions index of the queue's current config, or -1 when the shard has no such queue. */
    public long configIndex(QueueKey queue) {
        QueueState q = queues.get(queue);
        return q == null ? -1 : q.configIndex;
    }

    /** The queue's dead letters still owed (at least once), as msgId and reason, oldest first; empty when none. */
    public List<OwedDeadLetter> deadLettersOwed(QueueKey queue) {
        QueueState q = queues.get(queue);
        if (q == null || q.deadLetters.isEmpty()) {
            return List.of();
        }
        List<OwedDeadLetter> out = new ArrayList<>(q.deadLetters.size());
        q.deadLetters.forEach((id, p) -> out.add(new OwedDeadLetter(id, p.reason())));
        return out;
    }

    /** Whether the queue still owes this dead letter (its targets have not all confirmed it). */
    public boolean owes(QueueKey queue, long msgId) {
        QueueState q = queues.get(queue);
        return q != null && q.deadLetters.containsKey(msgId);
    }

    /** A dead letter a queue still owes. */
    public record OwedDeadLetter(long msgId, io.warren.broker.queue.DeathReason reason) {
    }

    /** The msgIds the consumer holds unacknowledged, in checkout order (empty when none). */
    public List<Long> checkedOut(QueueKey queue, ConsumerKey consumer) {
        QueueState q = queues.get(queue);
        ConsumerState c = q == null ? null : q.consumers.get(consumer);
        return c == null ? List.of() : List.copyOf(c.checkedOut.keySet());
    }

    /** The queue's consumers and the getters holding messages, in registration order (empty when absent). */
    public List<ConsumerKey> consumers(QueueKey queue) {
        QueueState q = queues.get(queue);
        return q == null ? List.of() : q.consumers.all().stream().map(c -> c.key).toList();
    }

    /**
     * What the queue's consumers hold unacknowledged, as the deliveries that gave it to them (redelivered and
     * delivery count as they were sent), per consumer in checkout order; basic.get callers' holdings are left out.
     * For a new leader, which sends them again because the old one may have died before sending.
     */
    public List<Effect.Deliver> heldByConsumers(QueueKey queue) {
        QueueState q = queues.get(queue);
        if (q == null) {
            return List.of();
        }
        List<Effect.Deliver> out = new ArrayList<>();
        for (ConsumerState c : q.consumers.all()) {
            if (c.status == ConsumerState.Status.GETTER) {
                continue;
            }
            for (MessageRef m : c.checkedOut.values()) {
                out.add(new Effect.Deliver(queue, c.key, m.msgId, m.redelivered, m.deliveryCount));
            }
        }
        return out;
    }

    /**
     * The msgIds whose bodies the queue still needs (ready, checked out, dead letters owed), ascending; empty when
     * the shard has no such queue. For the body store's reconciliation with a snapshot.
     */
    public long[] liveMsgIds(QueueKey queue) {
        QueueState q = queues.get(queue);
        return q == null ? new long[0] : q.liveMsgIds();
    }

    /** The msgId the queue's next enqueue will get (every id below it has been given out), or 1 when absent. */
    public long nextMsgId(QueueKey queue) {
        QueueState q = queues.get(queue);
        return q == null ? 1 : q.nextMsgId;
    }

    /** Origins remembered for de-duplication. */
    Map<Origin, OriginSeen> origins() {
        return origins;
    }
}
