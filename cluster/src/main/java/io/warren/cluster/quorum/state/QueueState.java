package io.warren.cluster.quorum.state;

import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.state.ConsumerState.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One quorum queue's state: its ready messages, what each consumer has checked out, dead letters still owed to
 * their targets (at-least-once), and its config. Every method is deterministic: time comes in as an argument (the
 * leader's clock recorded in the log), never from a clock here. Effects are appended to the list given.
 */
final class QueueState {
    final QueueKey key;
    /** The definitions index the queue was declared at. */
    long defsIndex;
    /** The definitions index of its current config. */
    long configIndex;
    QueueConfig config;
    long nextMsgId = 1;
    final ReadyList ready = new ReadyList();
    final ConsumerSlots consumers = new ConsumerSlots();
    /** At-least-once dead letters, by msgId, until DeadLetterSettle: the message and why it died. */
    final LinkedHashMap<Long, PendingDeadLetter> deadLetters = new LinkedHashMap<>();
    long deadLetterBytes;
    /**
     * The leader time the queue was last used (declared, consumed from, got from, a consumer leaving, declared
     * again): x-expires counts from it while the queue has no consumer. Applied like the rest, so every replica
     * agrees and a new leader carries on the countdown.
     */
    long lastUsed;

    /** A dead letter the queue still owes its dead-letter targets. */
    record PendingDeadLetter(MessageRef message, DeathReason reason) {
    }

    QueueState(QueueKey key, long defsIndex, QueueConfig config) {
        this.key = key;
        this.defsIndex = defsIndex;
        this.configIndex = defsIndex;
        this.config = config;
    }

    void enqueue(Command.Enqueue e, long now, List<Effect> fx) {
        // dead letters still owed count against the limit, so reject-publish stops a backlog of them growing
        if (config.overflow() == QueueConfig.Overflow.REJECT_PUBLISH
                && config.wouldOverflow(ready.size() + deadLetters.size(), ready.bytes() + deadLetterBytes, e.size())) {
            fx.add(new Effect.EnqueueRefused(key, e.origin(), e.seq(), "reject-publish"));
            return;
        }
        MessageRef m = new MessageRef(nextMsgId++, e.size(), expiresAt(e), e.priority() > ReadyList.HIGH_ABOVE,
                0, false);
        ready.add(m);
        fx.add(new Effect.Enqueued(key, e.origin(), e.seq(), m.msgId));
        dropOverLimit(fx);
        assign(now, fx);
    }

    // the shorter of the queue's TTL and the message's own, counted from the leader's time of the entry
    private long expiresAt(Command.Enqueue e) {
        long ttl = config.messageTtl();
        if (e.ttl() >= 0 && (ttl < 0 || e.ttl() < ttl)) {
            ttl = e.ttl();
        }
        return ttl < 0 ? MessageRef.NEVER : e.time() + ttl;
    }

    void checkout(Command.Checkout c, long now, List<Effect> fx) {
        ConsumerState existing = consumers.get(c.consumer());
        boolean again = existing != null && existing.status != Status.GETTER && existing.status != Status.CANCELLED;
        if (!again && (consumers.hasExclusive() || (c.exclusive() && consumers.hasReceivers()))) {
            fx.add(new Effect.ConsumerRefused(key, c.consumer(), "exclusive use"));
            return;
        }
        consumers.add(c, config.singleActiveConsumer(), fx);
        assign(now, fx);
    }

    void cancel(Command.Cancel c, long now, List<Effect> fx) {
        ConsumerState s = consumers.get(c.consumer());
        if (s == null) {
            return;
        }
        consumers.stop(key, s, config.singleActiveConsumer(), fx);
        if (c.returnUnacked()) {
            returnAll(s, fx);
        }
        consumers.removeIfFinished(s);
        assign(now, fx);
    }

    void settle(Command.Settle c, long now, List<Effect> fx) {
        ConsumerState s = consumers.get(c.consumer());
        if (s == null) {
            return;
        }
        for (long id : c.msgIds()) {
            if (s.checkedOut.remove(id) != null) {
                fx.add(new Effect.Released(key, id));
            }
        }
        consumers.removeIfFinished(s);
        assign(now, fx);
    }

    void giveBack(Command.Return c, long now, List<Effect> fx) {
        ConsumerState s = consumers.get(c.consumer());
        if (s == null) {
            return;
        }
        for (long id : c.msgIds()) {
            MessageRef m = s.checkedOut.remove(id);
            if (m != null) {
                putBack(m, c.deliveryFailed(), fx);
            }
        }
        afterReturns(s, now, fx);
    }

    void discard(Command.Discard c, long now, List<Effect> fx) {
        ConsumerState s = consumers.get(c.consumer());
        if (s == null) {
            return;
        }
        for (long id : c.msgIds()) {
            MessageRef m = s.checkedOut.remove(id);
            if (m != null) {
                die(m, DeathReason.REJECTED, fx);
            }
        }
        consumers.removeIfFinished(s);
        assign(now, fx);
    }

    void dequeue(Command.Dequeue d, long now, List<Effect> fx) {
        expireHeads(now, fx);
        MessageRef m = ready.poll();
        if (m == null) {
            fx.add(new Effect.DequeueEmpty(key, d.getter()));
            return;
        }
        fx.add(new Effect.Dequeued(key, d.getter(), m.msgId, m.redelivered, m.deliveryCount, ready.size()));
        if (d.noAck()) {
            fx.add(new Effect.Released(key, m.msgId));
        } else {
            consumers.getter(d.getter()).checkedOut.put(m.msgId, m);
        }
    }

    void purge(List<Effect> fx) {
        long count = ready.size();
        ready.clear(m -> fx.add(new Effect.Released(key, m.msgId)));
        fx.add(new Effect.Purged(key, count));
    }

    /** The leader time at which a tick would expire a ready head, or {@link Long#MAX_VALUE} when none expires. */
    long nextExpiry() {
        long at = ready.headExpiry();
        return at == MessageRef.NEVER ? Long.MAX_VALUE : at + 1; // expiredAt: strictly after its time
    }

    /** Time passed: the ready heads whose time has come die. */
    void tick(long now, List<Effect> fx) {
        expireHeads(now, fx);
    }

    /** The node is gone: its consumers are cancelled, and what they (and its getters) held comes back. */
    void nodeDown(String node, long now, List<Effect> fx) {
        List<ConsumerState> lost = consumers.ofNode(node);
        if (lost.isEmpty()) {
            return;
        }
        lastUsed = now; // its consumers left: the queue counts as unused from here
        for (ConsumerState s : lost) {
            if (s.status == Status.ACTIVE || s.status == Status.WAITING) {
                fx.add(new Effect.ConsumerCancelled(key, s.key, "node down"));
            }
        }
        // all at once, so that single active consumer hands over to a consumer on a node that is still there
        consumers.stopAll(key, lost, config.singleActiveConsumer(), fx);
        for (ConsumerState s : lost) {
            returnAll(s, fx);
            consumers.remove(s);
        }
        dropOverLimit(fx);
        assign(now, fx);
    }

    void deadLetterSettle(Command.DeadLetterSettle c, List<Effect> fx) {
        for (long id : c.msgIds()) {
            PendingDeadLetter p = deadLetters.remove(id);
            if (p != null) {
                deadLetterBytes -= p.message().size;
                fx.add(new Effect.Released(key, id));
            }
        }
    }

    /** A newer config (a policy): limits apply at once, as RabbitMQ does; TTL applies to messages from now on. */
    void configure(long index, QueueConfig next, long now, List<Effect> fx) {
        if (index <= configIndex) {
            return;
        }
        QueueConfig before = config;
        config = next;
        configIndex = index;
        if (before.singleActiveConsumer() != next.singleActiveConsumer()) {
            consumers.reconsider(key, next.singleActiveConsumer(), fx);
        }
        if (!next.deadLettersAtLeastOnce() && !deadLetters.isEmpty()) {
            // nobody will settle them any more: what was owed is dead-lettered at most once, or dropped
            List<PendingDeadLetter> owed = new ArrayList<>(deadLetters.values());
            deadLetters.clear();
            deadLetterBytes = 0;
            for (PendingDeadLetter p : owed) {
                die(p.message(), p.reason(), fx);
            }
        }
        dropOverLimit(fx);
        assign(now, fx);
    }

    /** The queue is deleted: its receiving consumers hear so. */
    void detach(List<Effect> fx) {
        for (ConsumerState s : consumers.all()) {
            if (s.status == Status.ACTIVE || s.status == Status.WAITING) {
                fx.add(new Effect.ConsumerCancelled(key, s.key, "queue deleted"));
            }
        }
        fx.add(new Effect.QueueRemoved(key));
    }

    /** The msgIds the queue still holds (ready, checked out, dead letters owed), ascending. */
    long[] liveMsgIds() {
        java.util.ArrayList<Long> ids = new java.util.ArrayList<>();
        ready.forEach(m -> ids.add(m.msgId));
        for (ConsumerState s : consumers.all()) {
            ids.addAll(s.checkedOut.keySet());
        }
        ids.addAll(deadLetters.keySet());
        return ids.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    QueueCounts counts() {
        long unacked = 0;
        long unackedBytes = 0;
        for (ConsumerState s : consumers.all()) {
            unacked += s.checkedOut.size();
            unackedBytes += s.checkedOutBytes();
        }
        return new QueueCounts(ready.size(), ready.bytes(), unacked, unackedBytes, consumers.receivers(),
                deadLetters.size());
    }

    // back to its place, redelivered; a failed delivery counts, and one past the limit is poison
    private void putBack(MessageRef m, boolean counts, List<Effect> fx) {
        m.redelivered = true;
        if (counts) {
            m.deliveryCount++;
        }
        if (config.pastDeliveryLimit(m.deliveryCount)) {
            die(m, DeathReason.DELIVERY_LIMIT, fx);
        } else {
            ready.putBack(m);
        }
    }

    // a consumer's channel closed or its node went: as Warren's classic queue, each return counts as a failure
    private void returnAll(ConsumerState s, List<Effect> fx) {
        List<MessageRef> held = new ArrayList<>(s.checkedOut.values());
        s.checkedOut.clear();
        for (MessageRef m : held) {
            putBack(m, true, fx);
        }
    }

    private void afterReturns(ConsumerState s, long now, List<Effect> fx) {
        // as RabbitMQ: what comes back counts against the length limit at once
        dropOverLimit(fx);
        consumers.removeIfFinished(s);
        assign(now, fx);
    }

    private void die(MessageRef m, DeathReason reason, List<Effect> fx) {
        if (!config.deadLetterExchange()) {
            fx.add(new Effect.Dropped(key, m.msgId, reason));
        } else if (config.deadLettersAtLeastOnce()) {
            deadLetters.put(m.msgId, new PendingDeadLetter(m, reason));
            deadLetterBytes += m.size;
            fx.add(new Effect.DeadLetter(key, m.msgId, reason, true));
        } else {
            fx.add(new Effect.DeadLetter(key, m.msgId, reason, false));
        }
    }

    private void dropOverLimit(List<Effect> fx) {
        if (config.overflow() != QueueConfig.Overflow.DROP_HEAD) {
            return;
        }
        while (config.overLength(ready.size() + deadLetters.size(), ready.bytes() + deadLetterBytes)) {
            MessageRef m = ready.pollOldest();
            if (m == null) {
                return;
            }
            die(m, DeathReason.MAXLEN, fx);
        }
    }

    private void expireHeads(long now, List<Effect> fx) {
        List<MessageRef> dead = new ArrayList<>(0);
        ready.pollExpired(now, dead);
        for (MessageRef m : dead) {
            die(m, DeathReason.EXPIRED, fx);
        }
    }

    /** Hands ready messages to consumers with credit until either runs out; expired heads die on the way. */
    private void assign(long now, List<Effect> fx) {
        while (!ready.isEmpty()) {
            ConsumerState c = consumers.next();
            if (c == null) {
                return;
            }
            expireHeads(now, fx);
            MessageRef m = ready.poll();
            if (m == null) {
                return;
            }
            consumers.served(c);
            fx.add(new Effect.Deliver(key, c.key, m.msgId, m.redelivered, m.deliveryCount));
            if (c.noAck) {
                fx.add(new Effect.Released(key, m.msgId));
            } else {
                c.checkedOut.put(m.msgId, m);
            }
        }
    }
}
