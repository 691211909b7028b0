package io.warren.broker.queue.classic;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.DeadLetterer;
import io.warren.broker.queue.DeathReason;
import io.warren.broker.queue.DeliveryOrderArguments;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.stats.QueueCounters;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic queue: a FIFO queue of messages and its consumers. All of its state belongs to one event loop
 * thread: other threads hand it work through {@link #execute}, like messages to an Erlang process.
 */
public final class MessageQueue extends AmqpQueue {
    private static final Logger LOG = LoggerFactory.getLogger(MessageQueue.class);

    private final EventExecutor loop;
    private final QueueDeaths deaths;
    private final UnackedPaging unacked;

    // owned by the loop thread
    private QueueSettings settings;
    private final QueueExpiry expiry;
    private final UnusedQueueTimer unused;
    private final Backlog ready;
    private final QueueDeduplication dedup; // null unless x-message-deduplication
    private final ConsumerSelection consumers;
    private final DeliveryBatches batches = new DeliveryBatches();
    private final QueueIntake intake;
    private boolean deleted;
    private boolean closed;
    private final QueueFlow flow;
    private volatile boolean rejectsPublishes;

    private int unackedCount;
    private final QueueCounters counters = counters();

    /**
     * A queue as declared; log is a durable queue's log as opened from disk (its messages become the queue's), or
     * null; the declaration's storage says how much it may hold in memory and opens a log for one that must page
     * out.
     */
    public MessageQueue(QueueDeclaration declaration, QueueLog log) {
        super(declaration);
        this.loop = declaration.loop();
        Map<String, Object> arguments = declaration.arguments();
        this.ready = Backlog.open(declaration, toString(), log);
        this.consumers = new ConsumerSelection(DeliveryOrderArguments.singleActiveConsumer(arguments));
        this.flow = new QueueFlow(this, loop);
        this.dedup = QueueDeduplication.forArguments(arguments, ready, toString());
        status().counts(ready.size(), ready.bytes(), 0, 0);
        this.deaths = new QueueDeaths(ready, new DeadLetterer(this, declaration.deadLetterRouting()), dedup,
                () -> deleted);
        // a priority queue's levels and a deduplicating queue's forgetting need the messages: those keep them all
        this.unacked = new UnackedPaging(toString(), declaration.storage(),
                ready instanceof QueueBacklog b && dedup == null ? b::openedLog : null);
        this.settings = QueueSettings.from(arguments);
        this.unused = new UnusedQueueTimer(loop, () -> settings.expires(), () -> deleted || closed
                || !consumers.isEmpty(), () -> {
                    LOG.info("{} expired: unused for {} ms (x-expires)", this, settings.expires());
                    declaration().onAutoDelete().accept(this);
                });
        this.rejectsPublishes = settings.rejectsPublishes();
        this.expiry = new QueueExpiry(ready, loop, () -> this.settings, this::expired, () -> deleted || closed,
                QueueDeaths.CHUNK);
        this.intake = new QueueIntake(ready, deaths, dedup, expiry, counters);
        if (settings.messageTtl() >= 0 || ready.size() > 0) {
            expiry.watch(); // recovered messages may carry expiry times: look at the head once the queue runs
        }
        loop.execute(this::settingsChanged);
    }

    @Override
    public QueueType type() {
        return QueueType.CLASSIC;
    }

    @Override
    public boolean deduplicates() {
        return dedup != null;
    }

    @Override
    public List<QueueConsumer> consumersOnLoop() {
        return new ArrayList<>(consumers.all());
    }

    @Override
    public boolean singleActiveConsumer() {
        return consumers.singleActive();
    }

    @Override
    public boolean rejectsPublishes() {
        return rejectsPublishes;
    }

    @Override
    public boolean inFlow() {
        return flow.inFlow();
    }

    // ---- everything below runs on the queue's loop ----

    @Override
    public void take(QueueWork work) {
        if (dedup != null && work.settledCount() > 0) {
            // first: a batch's acks may have come before its publishes, which must then not count as duplicates
            dedup.forget(work.settledEntries());
        }
        List<QueueEntry> rejected = work.takeRejected();
        if (rejected != null) {
            // before the publishes, like the acks: a rejected message republished in the same batch is no duplicate
            rejected(rejected);
        }
        List<Message> messages = work.messages();
        if (messages != null) {
            enqueueAll(messages, work);
        }
        if (work.settledCount() > 0) {
            unacked.settled(work.settledHeld(), work.settledHeldBytes());
            settled(work.settledCount(), work.settledLogged());
        }
    }

    @Override
    public boolean offer(List<Message> messages) {
        if (deleted || closed) {
            return false;
        }
        enqueueAll(messages);
        return true;
    }

    private void enqueueAll(List<Message> messages, QueueWork work) {
        if (deleted) {
            work.discard();
            return;
        }
        if (closed) {
            work.fail(new IOException("the broker is shutting down"));
            return;
        }
        QueueSettings s = settings;
        long now = System.currentTimeMillis();
        intake.accept(messages, work, s, rejectsPublishes, now);
        if (s.overflow() == QueueSettings.Overflow.DROP_HEAD) {
            dropOverLimit(s);
        }
        // judged a millisecond back, so that even a TTL of 0 reaches a consumer waiting now, as in RabbitMQ
        drain(now - 1);
        if (expiry.active()) {
            expiry.expireHead(now); // what no consumer took at once may be due already; the timer covers the rest
        }
        updateCounts();
    }

    // x-overflow drop-head: the oldest messages make room, in bounded steps under a long backlog
    private void dropOverLimit(QueueSettings s) {
        if (deaths.dropOverLimit(s)) {
            loop.execute(() -> {
                if (!deleted && !closed && settings.overflow() == QueueSettings.Overflow.DROP_HEAD) {
                    dropOverLimit(settings);
                    updateCounts();
                }
            });
        }
    }

    private void died(List<QueueEntry> entries, DeathReason reason) {
        deaths.died(entries, reason, settings);
    }

    /** Deliveries rejected without requeue: dead-lettered or dropped. */
    private void rejected(List<QueueEntry> entries) {
        unackedCount = Math.max(0, unackedCount - entries.size());
        unacked.returned(entries);
        if (deleted || closed) {
            entries.forEach(QueueEntry::releaseMessage);
            return;
        }
        // paged-out messages are read back to be dead-lettered, a chunk at a time
        for (int from = 0; from < entries.size(); from += QueueDeaths.CHUNK) {
            died(unacked.withBodies(settings.deadLetters(),
                    entries.subList(from, Math.min(entries.size(), from + QueueDeaths.CHUNK)), deaths::forget),
                    DeathReason.REJECTED);
        }
        drain();
        updateCounts();
    }

    // messages whose time has come, from the head (QueueExpiry)
    private void expired(List<QueueEntry> entries) {
        died(entries, DeathReason.EXPIRED);
        updateCounts();
    }

    // ---- x-expires: a queue nobody uses goes away ----

    @Override
    public void touch() {
        unused.touch();
    }

    // ---- settings and policies ----

    // a new TTL applies to messages published from now on, as in RabbitMQ; publishers learn at once that the queue
    // will refuse publishes (a message routed from now on carries a confirm barrier); the rest happens on the loop
    @Override
    public void applyPolicy(String policyName, Map<String, Object> effectiveArguments) {
        QueueSettings s = QueueSettings.forPolicy(this, policyName, effectiveArguments);
        if (s == null) {
            return;
        }
        if (s.rejectsPublishes()) {
            rejectsPublishes = true;
        }
        execute(() -> {
            status().policy(policyName, effectiveArguments);
            this.settings = s;
            this.rejectsPublishes = s.rejectsPublishes();
            if (s.messageTtl() >= 0) {
                expiry.watch();
            }
            settingsChanged();
        });
    }

    private void settingsChanged() {
        if (deleted || closed) {
            return;
        }
        unused.schedule();
        if (settings.overflow() == QueueSettings.Overflow.DROP_HEAD) {
            dropOverLimit(settings);
        }
        expiry.expireDue();
        updateCounts();
    }

    @Override
    public void drain() {
        drain(expiry.active() ? System.currentTimeMillis() : 0);
    }

    // now: the time expiry is judged by (0 when nothing expires)
    private void drain(long now) {
        if (deleted || consumers.isEmpty() || ready.isEmpty()) {
            return;
        }
        if (expiry.active()) {
            expiry.expireHead(now);
        }
        int before = ready.size();
        QueueConsumer c = null; // holds a reservation until a message goes to it
        while (!ready.isEmpty()) {
            if (c == null && (c = consumers.next()) == null) {
                break;
            }
            QueueEntry e = ready.poll();
            if (e == null) {
                break; // the backlog's disk part turned out unreadable
            }
            if (e.expiredAt(now)) {
                died(new ArrayList<>(List.of(e)), DeathReason.EXPIRED);
                continue; // the reservation serves the next message
            }
            ready.delivered(e, c.noAck());
            if (!c.noAck()) {
                unackedCount++;
                unacked.delivering(e);
            } else if (dedup != null) {
                dedup.forget(e);
            }
            batches.add(c, e);
            c = null;
        }
        if (c != null) {
            c.unreserve();
        }
        batches.flush();
        if (ready.size() < before) {
            flow.delivered();
            counters.add(QueueCounters.DELIVERED, before - ready.size());
        }
        ready.flushQuietly();
        updateCounts();
    }

    /** Acknowledged (or otherwise finished) deliveries: forget them and deliver more. */
    private void settled(int count, List<QueueEntry> logged) {
        if (logged != null && !deleted) {
            ready.settled(logged);
            ready.flushQuietly();
        }
        counters.add(QueueCounters.ACKED, count);
        unackedCount -= count;
        if (unackedCount < 0) {
            unackedCount = 0;
        }
        drain();
        updateCounts();
    }

    @Override
    public void requeue(List<QueueEntry> entries, boolean wereUnacked) {
        putBack(entries, wereUnacked, true);
    }

    @Override
    public void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked) {
        putBack(entries, wereUnacked, false);
    }

    private void putBack(List<QueueEntry> entries, boolean wereUnacked, boolean redelivered) {
        if (wereUnacked) {
            unackedCount = Math.max(0, unackedCount - entries.size());
        }
        unacked.returned(entries);
        if (deleted || closed) {
            entries.forEach(QueueEntry::releaseMessage);
            return;
        }
        if (redelivered) {
            counters.add(QueueCounters.REDELIVERED, entries.size());
        }
        QueueSettings s = settings;
        // stamping a delivery count needs the message: paged-out ones are then read back, a chunk at a time
        boolean stamps = redelivered && s.deliveryLimit() >= 0;
        int step = stamps ? QueueDeaths.CHUNK : Math.max(1, entries.size());
        for (int from = 0; from < entries.size(); from += step) {
            putBackChunk(unacked.withBodies(stamps, entries.subList(from, Math.min(entries.size(), from + step)),
                    deaths::forget), redelivered, s.deliveryLimit());
        }
        // as RabbitMQ: what comes back counts against the length limit at once; drop-head drops the oldest (often
        // what just came back), reject-publish keeps it all and refuses publishes until there is room
        if (s.overflow() == QueueSettings.Overflow.DROP_HEAD) {
            dropOverLimit(s);
        }
        if (expiry.active()) {
            expiry.expireHead(System.currentTimeMillis());
        }
        drain();
        updateCounts();
    }

    private void putBackChunk(List<QueueEntry> entries, boolean redelivered, long limit) {
        List<QueueEntry> poison = null;
        for (QueueEntry e : entries) {
            if (e.expiresAt() != QueueEntry.NEVER) {
                expiry.watch(); // it keeps its original expiry time, and the timer must be set for it
            }
            if (redelivered) {
                e.markRedelivered();
                e.returned();
                // x-delivery-limit, as quorum queues have it: returned more often than the limit is poison
                if (limit >= 0 && e.returns() > limit) {
                    if (poison == null) {
                        poison = new ArrayList<>();
                    }
                    poison.add(e);
                    continue;
                }
                if (limit >= 0) {
                    DeliveryCount.stamp(e);
                }
            }
            ready.putBack(e);
        }
        ready.endPutBack();
        if (poison != null) {
            died(poison, DeathReason.DELIVERY_LIMIT);
        }
    }

    @Override
    public QueueEntry poll(boolean noAck) {
        touch();
        expiry.expireDue();
        QueueEntry e = ready.poll();
        if (e != null) {
            ready.delivered(e, noAck);
            ready.flushQuietly();
            counters.add(QueueCounters.GOT, 1);
            if (!noAck) {
                unackedCount++;
                unacked.delivering(e);
            } else if (dedup != null) {
                dedup.forget(e);
            }
            updateCounts();
        }
        return e;
    }

    /** Body bytes of the unacked messages held in memory (the rest are only in the log), as of the last change. */
    public long unackedBytesInMemorySnapshot() {
        return unacked.heldBytesSnapshot();
    }

    @Override
    public int readyCount() {
        return ready.size();
    }

    @Override
    public int consumerCount() {
        return consumers.size();
    }

    @Override
    public boolean hasExclusiveConsumer() {
        return consumers.hasExclusive();
    }

    @Override
    public void addConsumer(QueueConsumer consumer) {
        consumers.add(consumer);
        touch();
        updateCounts();
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        if (consumers.remove(consumer)) {
            touch();
            updateCounts();
            if (autoDelete() && consumers.isEmpty() && consumers.hadAny() && !deleted && !closed) {
                declaration().onAutoDelete().accept(this);
            } else {
                drain();
            }
        }
    }

    @Override
    public int purge() {
        int n = ready.purge();
        if (dedup != null) {
            dedup.clear(); // as the plugin flushes its cache: unacknowledged messages' values go too
        }
        updateCounts();
        return n;
    }

    @Override
    public int delete() {
        if (deleted) {
            return 0;
        }
        int n = purge();
        ready.delete();
        deleted = true;
        cancelTimers();
        consumers.cancelAll();
        updateCounts();
        return n;
    }

    @Override
    public void close() {
        closed = true;
        cancelTimers();
        ready.releaseMemory();
    }

    private void cancelTimers() {
        expiry.cancel();
        unused.cancel();
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }

    private void updateCounts() {
        unacked.report();
        status().counts(ready.size(), ready.bytes(), unackedCount, consumers.size());
        flow.update();
    }

    @Override
    public void awaitFlowEnd(FlowWaiter waiter) {
        flow.await(waiter);
    }
}
