package io.warren.broker.queue;

import io.warren.broker.message.Message;
import io.warren.codec.BasicProperties;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Republishes a queue's dead messages to its dead-letter exchange. Better than RabbitMQ's classic queues, which
 * forget a message before its copy is safe: a logged message's record is acked only once every durable queue it
 * was dead-lettered to has fsynced its copy, so a crash in between leaves a duplicate, never a loss. Runs on the
 * source queue's thread.
 */
public final class DeadLetterer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeadLetterer.class);
    private final AmqpQueue source;
    private final DeadLetterRouting routing;
    private final Set<AmqpQueue> targets = new HashSet<>();

    public DeadLetterer(AmqpQueue source, DeadLetterRouting routing) {
        this.source = source;
        this.routing = routing;
    }

    /**
     * Dead-letters the entries (taking over their messages' references); onSafe runs on the source's thread once
     * the copies are durable, with false if some copy could not be written.
     */
    public void deadLetter(List<QueueEntry> entries, DeathReason reason, QueueSettings settings, SafeCallback onSafe) {
        Map<AmqpQueue, QueueWork> work = new IdentityHashMap<>();
        PublishBarrier barrier = new PublishBarrier(b -> source.execute(() -> onSafe.safe(b.failure() == null)));
        long now = System.currentTimeMillis();
        for (int i = 0, n = entries.size(); i < n; i++) {
            routeAndRelease(entries.get(i).message(), reason, settings, now, work, barrier);
        }
        dispatch(work, entries.size());
        barrier.release(1);
    }

    /** Dead-letters a message that never entered the queue (refused by reject-publish-dlx); takes its reference. */
    public void deadLetter(Message m, DeathReason reason, QueueSettings settings) {
        Map<AmqpQueue, QueueWork> work = new IdentityHashMap<>();
        routeAndRelease(m, reason, settings, System.currentTimeMillis(), work, null);
        dispatch(work, 1);
    }

    /** How a dead letter that its queue keeps until its targets have it fared (see {@link #deadLetterConfirmed}). */
    public enum Confirmed {
        /** Every target queue took it, as a publisher's confirm would say (none refused it, none failed). */
        TAKEN,
        /** The dead-letter exchange routed it nowhere (or is missing): it is still owed. */
        NO_ROUTE,
        /** A target refused it (full, reject-publish) or could not store it: it is still owed. */
        NOT_TAKEN
    }

    /**
     * Dead-letters a message its queue keeps until the copies are taken (a quorum queue's at-least-once strategy);
     * takes over its reference. A target's hold ends when a publisher's confirm would be sent for it (durable where a
     * publisher waits for that, accepted where a queue may refuse). done runs once, on whichever thread ends the last
     * hold. A cycle without rejection skips that target, as for at-most-once, and counts as taken.
     */
    public void deadLetterConfirmed(Message m, DeathReason reason, QueueSettings settings,
                                    java.util.function.Consumer<Confirmed> done) {
        Map<AmqpQueue, QueueWork> work = new IdentityHashMap<>();
        PublishBarrier barrier = new PublishBarrier(b -> done.accept(b.failure() == null
                && b.refusedTags().length == 0 ? Confirmed.TAKEN : Confirmed.NOT_TAKEN));
        boolean routed;
        try {
            routed = route(m, reason, settings, System.currentTimeMillis(), work, barrier, true);
        } catch (RuntimeException e) {
            LOG.error("{}: cannot dead-letter a message; it stays owed", source, e);
            done.accept(Confirmed.NOT_TAKEN);
            return;
        } finally {
            m.release();
        }
        if (!routed) {
            done.accept(Confirmed.NO_ROUTE);
            return;
        }
        dispatch(work, 1);
        barrier.release(1);
    }

    // one message that cannot be rewritten or routed must not take the others of its batch with it
    private void routeAndRelease(Message m, DeathReason reason, QueueSettings settings, long now,
                                 Map<AmqpQueue, QueueWork> work, PublishBarrier barrier) {
        try {
            route(m, reason, settings, now, work, barrier, false);
        } catch (RuntimeException e) {
            LOG.error("{}: cannot dead-letter a message; it is dropped", source, e);
        } finally {
            m.release();
        }
    }

    private void dispatch(Map<AmqpQueue, QueueWork> work, int messages) {
        work.forEach((q, w) -> q.execute(() -> q.take(w)));
        routing.counted(messages);
    }

    // false when routed nowhere; confirmed: every target holds the barrier as a publisher's confirm would wait
    private boolean route(Message m, DeathReason reason, QueueSettings settings, long now,
                          Map<AmqpQueue, QueueWork> work, PublishBarrier barrier, boolean confirmed) {
        BasicProperties p = m.properties();
        List<String> keys = DeathHeaders.routingKeys(m.routingKey(), p.headers());
        String dlrk = settings.deadLetterRoutingKey();
        BasicProperties dead = DeathHeaders.died(p, source.name(), reason, m.exchange(), keys, dlrk != null, now);
        List<String> routeKeys = dlrk != null ? List.of(dlrk) : keys;
        targets.clear();
        routing.route(settings.deadLetterExchange(), routeKeys, dead.headers(), m, targets);
        if (targets.isEmpty()) {
            return false;
        }
        Message copy = Message.withProperties(settings.deadLetterExchange(), routeKeys.get(0), dead,
                m.body().retain());
        try {
            boolean persistent = copy.isPersistent();
            for (AmqpQueue q : targets) {
                // a cycle with no rejection in it would go round for ever: that queue does not get the message
                if (reason != DeathReason.REJECTED && DeathHeaders.isCycle(q.name(), dead.headers())) {
                    continue;
                }
                PublishBarrier b = barrier == null ? null : confirmed ? (waitsFor(q, persistent) ? barrier : null)
                        : persistent && q.persistsMessages() ? barrier : null;
                if (b != null) {
                    b.expect();
                }
                // a confirm tag, so that a refusal is recorded on the barrier
                work.computeIfAbsent(q, k -> new QueueWork()).publish(copy.retain(), b, confirmed ? 1 : 0);
            }
        } finally {
            copy.release();
        }
        return true;
    }

    // the channel's rule (Publisher) for when a confirm waits for the queue
    private static boolean waitsFor(AmqpQueue q, boolean persistent) {
        return ((persistent || q.storesEveryMessage()) && q.persistsMessages()) || q.rejectsPublishes()
                || q.deduplicates();
    }

    /** Told once dead-lettered copies are safe (or failed to be made so). */
    public interface SafeCallback {
        void safe(boolean durable);
    }
}
