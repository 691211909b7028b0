package io.warren.cluster.quorum.deliver;

import io.warren.broker.queue.DeadLetterer;
import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard leader's at-least-once dead letters (RabbitMQ's dead-letter worker of a quorum queue). The state keeps
 * each one owed until a {@code DeadLetterSettle}; the leader publishes it to the queue's dead-letter exchange, waits
 * until every target took it as a publisher confirm would say, and then settles it, in batches (one settle command
 * per queue in flight; what is taken meanwhile goes in the next). One routed nowhere, or refused by a target, stays
 * owed and is tried again after a backoff (0.5 s doubling to 30 s), as RabbitMQ keeps trying. A new leader publishes
 * everything still owed: the old one may have died between a target's confirm and the settle, so a target can get a
 * message twice, which at least once allows.
 */
final class AtLeastOnceDeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(AtLeastOnceDeadLetters.class);
    private static final long FIRST_RETRY_MS = 500;
    private static final long LAST_RETRY_MS = 30_000;
    private final RaftGroupId group;
    private final QuorumDeliveries node;
    private volatile ShardStateMachine machine;
    /** Counts the leaderships ended: a leadership's retries stop when it moves. */
    private final AtomicLong ended = new AtomicLong();
    /** Under the machine's lock: the value of {@link #ended} when owed letters were last taken from the state. */
    private long startedAt = -1;
    // guarded by this: each owed letter being published, waiting to be tried again or settled (value: tries so far)
    private final Map<Owed, Integer> busy = new HashMap<>();
    private final Map<QueueKey, List<Long>> toSettle = new LinkedHashMap<>();
    private boolean settling;

    private record Owed(QueueKey queue, long msgId) {
    }

    AtLeastOnceDeadLetters(RaftGroupId group, QuorumDeliveries node) {
        this.group = group;
        this.node = node;
    }

    void attached(ShardStateMachine m) {
        this.machine = m;
    }

    /**
     * Under the machine's lock while it is the ready leader: the first call of a leadership publishes everything the
     * state owes (which includes this entry's), later ones only what died in the entry.
     */
    void leading(ShardState s) {
        long now = ended.get();
        if (startedAt == now) {
            return;
        }
        startedAt = now;
        ShardStateMachine m = machine;
        int n = 0;
        for (QueueKey q : s.queueKeys()) {
            for (ShardState.OwedDeadLetter o : s.deadLettersOwed(q)) {
                if (publish(q, o.msgId(), o.reason(), read(m, q, o.msgId()), now)) {
                    n++;
                }
            }
        }
        if (n > 0) {
            LOG.info("shard {}: leading now; publishing the {} dead letters still owed", group, n);
        }
    }

    /** A message of this entry died at least once (under the machine's lock, after {@link #leading}). */
    void died(QueueKey queue, long msgId, DeathReason reason, ByteBuffer body) {
        publish(queue, msgId, reason, body, ended.get());
    }

    void notLeader() {
        ended.incrementAndGet();
        synchronized (this) {
            busy.clear(); // the next leader publishes them; a settle under way still settles what was taken
            toSettle.clear();
        }
    }

    private static ByteBuffer read(ShardStateMachine m, QueueKey q, long msgId) {
        try {
            return m == null ? null : m.bodies().read(q, msgId);
        } catch (IOException e) {
            LOG.error("cannot read dead letter msgId {} of {}: {}", msgId, q, e.toString());
            return null;
        }
    }

    // false when already under way (or no body)
    private boolean publish(QueueKey queue, long msgId, DeathReason reason, ByteBuffer body, long leadership) {
        Owed o = new Owed(queue, msgId);
        synchronized (this) {
            if (busy.containsKey(o)) {
                return false;
            }
            busy.put(o, 0);
        }
        return send(o, reason, body, leadership);
    }

    private boolean send(Owed o, DeathReason reason, ByteBuffer body, long leadership) {
        if (body == null) {
            LOG.error("shard {}: no body for the dead letter msgId {} of {}; it stays owed", group, o.msgId(),
                    o.queue());
            synchronized (this) {
                busy.remove(o);
            }
            return false;
        }
        try {
            node.deadLetters().deadLetterConfirmed(o.queue(), QuorumMessageFormat.decode(body), reason,
                    outcome -> outcome(o, reason, outcome, leadership));
        } catch (RuntimeException e) {
            LOG.warn("shard {}: dead letter msgId {} of {} not published: {}", group, o.msgId(), o.queue(),
                    e.toString());
            outcome(o, reason, DeadLetterer.Confirmed.NOT_TAKEN, leadership);
        }
        return true;
    }

    private void outcome(Owed o, DeathReason reason, DeadLetterer.Confirmed outcome, long leadership) {
        if (outcome == DeadLetterer.Confirmed.TAKEN) {
            // settled even if the leadership ended meanwhile: the targets have it, whoever leads
            synchronized (this) {
                toSettle.computeIfAbsent(o.queue(), q -> new ArrayList<>()).add(o.msgId());
            }
            settle();
            return;
        }
        int tries;
        synchronized (this) {
            Integer had = busy.get(o);
            if (had == null || ended.get() != leadership) {
                return;
            }
            tries = had + 1;
            busy.put(o, tries);
        }
        long delay = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS << Math.min(tries - 1, 6));
        if (tries == 1 || delay == LAST_RETRY_MS && tries % 10 == 0) {
            LOG.warn("shard {}: dead letter msgId {} of {} was {}; it stays owed and is tried again in {} ms",
                    group, o.msgId(), o.queue(), outcome == DeadLetterer.Confirmed.NO_ROUTE ? "routed nowhere"
                            : "not taken by a target", delay);
        }
        try {
            node.retries().schedule(() -> again(o, reason, leadership), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing
        }
    }

    // on the retry timer: only while this leadership lasts and the state still owes it
    private void again(Owed o, DeathReason reason, long leadership) {
        ShardStateMachine m = machine;
        if (m == null || ended.get() != leadership || !m.leaderReady()) {
            return;
        }
        if (!Boolean.TRUE.equals(m.readState(s -> s.owes(o.queue(), o.msgId())))) {
            synchronized (this) {
                busy.remove(o); // settled, dead-lettered at most once after a policy change, or the queue is gone
            }
            return;
        }
        send(o, reason, read(m, o.queue(), o.msgId()), leadership);
    }

    // one DeadLetterSettle per queue at a time; what is taken meanwhile waits for the next batch
    private void settle() {
        Map<QueueKey, List<Long>> batch;
        synchronized (this) {
            if (settling || toSettle.isEmpty()) {
                return;
            }
            settling = true;
            batch = new LinkedHashMap<>(toSettle);
            toSettle.clear();
        }
        AtomicLong left = new AtomicLong(batch.size());
        batch.forEach((queue, ids) -> node.submitter().submit(group, new Command.DeadLetterSettle(queue, ids),
                failure -> {
                    synchronized (this) {
                        for (long id : ids) {
                            busy.remove(new Owed(queue, id));
                        }
                    }
                    if (failure != null) {
                        // still owed in the state: published again when next tried (a new leader, or a retry)
                        LOG.warn("shard {}: settling {} dead letters of {} failed: {}", group, ids.size(), queue,
                                failure.toString());
                        retryLater(queue, ids);
                    }
                    if (left.decrementAndGet() == 0) {
                        synchronized (this) {
                            settling = false;
                        }
                        settle();
                    }
                }));
    }

    // a settle that failed while this replica still leads: its letters go again after a while
    private void retryLater(QueueKey queue, List<Long> ids) {
        long leadership = ended.get();
        try {
            node.retries().schedule(() -> {
                ShardStateMachine m = machine;
                if (m == null || ended.get() != leadership || !m.leaderReady()) {
                    return;
                }
                List<ShardState.OwedDeadLetter> owed = m.readState(s -> s.deadLettersOwed(queue));
                for (ShardState.OwedDeadLetter o : owed) {
                    if (ids.contains(o.msgId())) {
                        publish(queue, o.msgId(), o.reason(), read(m, queue, o.msgId()), leadership);
                    }
                }
            }, FIRST_RETRY_MS * 2, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing
        }
    }
}
