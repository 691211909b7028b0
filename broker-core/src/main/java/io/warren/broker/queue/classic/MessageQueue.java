package io.warren.broker.queue.classic;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.DeadLetterer;
import io.warren.broker.queue.DeathReason;
import io.warren.broker.queue.DeliveryOrderArguments;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.InvalidQueueArgument;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.QueueStorage;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.stats.QueueCounters;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic queue: a FIFO queue of messages and its consumers. All of its state belongs to one event loop
 * thread: other threads hand it work through {@link #execute}, like messages to an Erlang process.
 */
public final class MessageQueue implements AmqpQueue {
    private static final Logger LOG = LoggerFactory.getLogger(MessageQueue.class);
    /** Deliveries handed to one consumer in one task: large enough to amortise, small enough to interleave. */
    private static final int MAX_BATCH = 256;
    /** See {@link QueueFlow}. */
    static final int FLOW_HIGH = QueueFlow.HIGH;
    static final int FLOW_LOW = QueueFlow.LOW;
    /** Messages that expire or are dropped together at most, so that a long backlog never sits in memory at once. */
    private static final int DEATH_CHUNK = 4096;

    private final QueueDeclaration declaration;
    private final boolean autoDelete;
    private final EventExecutor loop;
    private final Consumer<AmqpQueue> onAutoDelete;
    private final DeadLetterer deadLetterer;

    // owned by the loop thread
    private QueueSettings settings;
    private final QueueExpiry expiry;
    private ScheduledFuture<?> unusedTimer;
    private long lastUsedMillis = System.currentTimeMillis();
    private final Backlog ready;
    private final QueueDeduplication dedup; // null unless x-message-deduplication
    private final ConsumerSelection consumers;
    private final List<QueueConsumer> dispatching = new ArrayList<>();
    private long nextSequence;
    private boolean hadConsumers;
    private boolean deleted;
    private boolean closed;
    private final QueueFlow flow;
    private volatile boolean rejectsPublishes;

    // snapshots other threads may read for statistics
    private volatile int readyCount;
    private volatile int unackedCount;
    private volatile int consumerCount;
    private volatile long readyBytes;
    private final QueueCounters counters = new QueueCounters();
    // written on the loop by applyPolicy, read by the management API
    private volatile String policyName;
    private volatile Map<String, Object> effectiveArguments;

    /**
     * A queue as declared; log is a durable queue's log as opened from disk (its messages become the queue's), or
     * null; the declaration's storage says how much it may hold in memory and opens a log for one that must page
     * out.
     */
    public MessageQueue(QueueDeclaration declaration, QueueLog log) {
        this.declaration = declaration;
        this.autoDelete = declaration.autoDelete();
        this.loop = declaration.loop();
        this.onAutoDelete = declaration.onAutoDelete();
        Map<String, Object> arguments = declaration.arguments();
        QueueStorage storage = declaration.storage();
        int maxPriority = DeliveryOrderArguments.maxPriority(arguments);
        this.ready = maxPriority > 0
                ? new PriorityBacklog(toString(), persistsMessages(), storage, log, vhost(), name(), maxPriority)
                : new QueueBacklog(toString(), persistsMessages(), storage, log);
        this.consumers = new ConsumerSelection(DeliveryOrderArguments.singleActiveConsumer(arguments));
        this.flow = new QueueFlow(this, loop);
        this.dedup = QueueDeduplication.forArguments(arguments);
        if (dedup != null) {
            for (QueueLog recovered : ready.recoveredLogs()) {
                dedup.recover(recovered, toString());
            }
        }
        this.nextSequence = ready.nextSequence();
        this.readyCount = ready.size();
        this.deadLetterer = new DeadLetterer(this, declaration.deadLetterRouting());
        this.settings = QueueSettings.from(arguments);
        this.rejectsPublishes = settings.rejectsPublishes();
        this.expiry = new QueueExpiry(ready, loop, () -> this.settings, this::expired, () -> deleted || closed,
                DEATH_CHUNK);
        if (settings.messageTtl() >= 0 || ready.size() > 0) {
            expiry.watch(); // recovered messages may carry expiry times: look at the head once the queue runs
        }
        loop.execute(this::settingsChanged);
    }

    @Override
    public QueueDeclaration declaration() {
        return declaration;
    }

    @Override
    public QueueType type() {
        return QueueType.CLASSIC;
    }

    @Override
    public String policyName() {
        return policyName;
    }

    @Override
    public Map<String, Object> effectiveArguments() {
        Map<String, Object> e = effectiveArguments;
        return e == null ? declaration.arguments() : e;
    }

    @Override
    public boolean deduplicates() {
        return dedup != null;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public int readyCountSnapshot() {
        return readyCount;
    }

    @Override
    public int unackedCountSnapshot() {
        return unackedCount;
    }

    @Override
    public int consumerCountSnapshot() {
        return consumerCount;
    }

    @Override
    public long readyBytesSnapshot() {
        return readyBytes;
    }

    @Override
    public QueueCounters counters() {
        return counters;
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

    @Override
    public void enqueueAll(List<Message> messages) {
        QueueWork work = new QueueWork();
        for (Message m : messages) {
            work.publish(m, null);
        }
        take(work);
    }

    @Override
    public void finish(List<QueueEntry> entries) {
        QueueWork work = new QueueWork(dedup != null);
        for (QueueEntry e : entries) {
            work.settle(e);
        }
        take(work);
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
        int accepted = 0;
        for (int i = 0, n = messages.size(); i < n; i++) {
            Message m = messages.get(i);
            if (rejectsPublishes && s.wouldOverflow(ready.size(), ready.bytes(), m.bodySize())) {
                refuse(m, i, work, s);
                continue;
            }
            if (dedup != null && dedup.dropsDuplicate(work, i, m, nextSequence)) {
                continue;
            }
            ready.add(m, nextSequence++, expiry.expiresAt(m, s, now));
            accepted++;
        }
        ready.endBatch(work);
        counters.add(QueueCounters.PUBLISHED, accepted);
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

    // x-overflow reject-publish(-dlx): the publisher hears a nack, and -dlx dead-letters the refused message
    private void refuse(Message m, int index, QueueWork work, QueueSettings s) {
        work.refuse(index);
        if (s.overflow() == QueueSettings.Overflow.REJECT_PUBLISH_DLX && s.deadLetters()) {
            deadLetterer.deadLetter(m, DeathReason.MAXLEN, s);
        } else {
            m.release();
        }
    }

    // x-overflow drop-head: the oldest messages make room
    private void dropOverLimit(QueueSettings s) {
        List<QueueEntry> dropped = null;
        while (s.overLength(ready.size(), ready.bytes())) {
            QueueEntry e = ready.poll();
            if (e == null) {
                break;
            }
            if (dropped == null) {
                dropped = new ArrayList<>();
            }
            dropped.add(e);
            if (dropped.size() == DEATH_CHUNK) {
                // a limit lowered under a long backlog drops it in bounded steps, not all in memory at once
                loop.execute(() -> {
                    if (!deleted && !closed && settings.overflow() == QueueSettings.Overflow.DROP_HEAD) {
                        dropOverLimit(settings);
                        updateCounts();
                    }
                });
                break;
            }
        }
        if (dropped != null) {
            died(dropped, DeathReason.MAXLEN);
        }
    }

    /**
     * Entries that leave the queue dead: dead-lettered when the queue has a dead-letter exchange, else dropped.
     * Their log records are acked once any durable copies are safe. Takes over the entries' messages.
     */
    private void died(List<QueueEntry> entries, DeathReason reason) {
        if (dedup != null) {
            dedup.forget(entries); // gone from the queue now, whenever its log record is acked
        }
        QueueSettings s = settings;
        if (!s.deadLetters()) {
            for (QueueEntry e : entries) {
                e.message().release();
            }
            forget(entries);
            return;
        }
        deadLetterer.deadLetter(entries, reason, s, durable -> {
            if (durable) {
                forget(entries);
            }
        });
    }

    private void forget(List<QueueEntry> entries) {
        if (!deleted) {
            ready.settled(entries);
            ready.flushQuietly();
        }
    }

    /** Deliveries rejected without requeue: dead-lettered or dropped. */
    private void rejected(List<QueueEntry> entries) {
        unackedCount = Math.max(0, unackedCount - entries.size());
        if (deleted || closed) {
            entries.forEach(e -> e.message().release());
            return;
        }
        died(entries, DeathReason.REJECTED);
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
        lastUsedMillis = System.currentTimeMillis();
        scheduleUnused();
    }

    private void scheduleUnused() {
        long expires = settings.expires();
        if (unusedTimer != null) {
            unusedTimer.cancel(false);
            unusedTimer = null;
        }
        if (expires < 0 || deleted || closed || !consumers.isEmpty()) {
            return;
        }
        long delay = Math.max(0, lastUsedMillis + expires - System.currentTimeMillis());
        unusedTimer = loop.schedule(() -> {
            unusedTimer = null;
            if (deleted || closed || !consumers.isEmpty()) {
                return;
            }
            if (System.currentTimeMillis() - lastUsedMillis >= settings.expires()) {
                LOG.info("{} expired: unused for {} ms (x-expires)", this, settings.expires());
                onAutoDelete.accept(this);
            } else {
                scheduleUnused();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    // ---- settings and policies ----

    // a new TTL applies to messages published from now on, as in RabbitMQ; publishers learn at once that the queue
    // will refuse publishes (a message routed from now on carries a confirm barrier); the rest happens on the loop
    @Override
    public void applyPolicy(String policyName, Map<String, Object> effectiveArguments) {
        QueueSettings s;
        try {
            s = QueueSettings.from(effectiveArguments);
        } catch (InvalidQueueArgument e) {
            LOG.warn("{}: policy '{}' not applied: invalid '{}': {}", this, policyName, e.argument(),
                    e.getMessage());
            return;
        }
        if (s.rejectsPublishes()) {
            rejectsPublishes = true;
        }
        execute(() -> {
            this.policyName = policyName;
            this.effectiveArguments = effectiveArguments;
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
        scheduleUnused();
        if (settings.overflow() == QueueSettings.Overflow.DROP_HEAD) {
            dropOverLimit(settings);
        }
        if (expiry.active()) {
            expiry.expireHead(System.currentTimeMillis());
        }
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
            } else if (dedup != null) {
                dedup.forget(e);
            }
            List<QueueEntry> batch = c.batch();
            if (batch.isEmpty()) {
                dispatching.add(c);
            }
            batch.add(e);
            if (batch.size() >= MAX_BATCH) {
                c.target().deliver(c, c.takeBatch());
                dispatching.remove(c);
            }
            c = null;
        }
        if (c != null) {
            c.unreserve();
        }
        for (int i = 0; i < dispatching.size(); i++) {
            QueueConsumer d = dispatching.get(i);
            d.target().deliver(d, d.takeBatch());
        }
        if (ready.size() < before) {
            flow.delivered();
            counters.add(QueueCounters.DELIVERED, before - ready.size());
        }
        dispatching.clear();
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
        if (deleted || closed) {
            entries.forEach(e -> e.message().release());
            return;
        }
        if (redelivered) {
            counters.add(QueueCounters.REDELIVERED, entries.size());
        }
        QueueSettings s = settings;
        long limit = s.deliveryLimit();
        List<QueueEntry> poison = null;
        for (QueueEntry e : entries) {
            if (e.expiresAt() != QueueEntry.NEVER) {
                expiry.watch(); // it keeps its original expiry time, and the timer must be set for it
            }
            if (redelivered) {
                e.markRedelivered();
                e.returned();
                if (limit >= 0) {
                    // x-delivery-limit, as quorum queues have it: returned more often than the limit is poison
                    if (e.returns() > limit) {
                        if (poison == null) {
                            poison = new ArrayList<>();
                        }
                        poison.add(e);
                        continue;
                    }
                    DeliveryCount.stamp(e);
                }
            }
            ready.putBack(e);
        }
        ready.endPutBack();
        if (poison != null) {
            died(poison, DeathReason.DELIVERY_LIMIT);
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

    @Override
    public QueueEntry poll(boolean noAck) {
        touch();
        if (expiry.active()) {
            expiry.expireHead(System.currentTimeMillis());
        }
        QueueEntry e = ready.poll();
        if (e != null) {
            ready.delivered(e, noAck);
            ready.flushQuietly();
            counters.add(QueueCounters.GOT, 1);
            if (!noAck) {
                unackedCount++;
            } else if (dedup != null) {
                dedup.forget(e);
            }
            updateCounts();
        }
        return e;
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
        for (QueueConsumer c : consumers.all()) {
            if (c.exclusive()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void addConsumer(QueueConsumer consumer) {
        consumers.add(consumer);
        hadConsumers = true;
        touch();
        updateCounts();
    }

    @Override
    public void activate(QueueConsumer consumer) {
        consumer.activate();
        drain();
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        if (consumers.remove(consumer)) {
            touch();
            updateCounts();
            if (autoDelete && consumers.isEmpty() && hadConsumers && !deleted && !closed) {
                onAutoDelete.accept(this);
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
        List<QueueConsumer> cs = new ArrayList<>(consumers.all());
        consumers.clear();
        for (QueueConsumer c : cs) {
            c.target().cancelledByServer(c);
        }
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
        if (unusedTimer != null) {
            unusedTimer.cancel(false);
            unusedTimer = null;
        }
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }

    private void updateCounts() {
        readyCount = ready.size();
        readyBytes = ready.bytes();
        consumerCount = consumers.size();
        flow.update();
    }

    @Override
    public void awaitFlowEnd(FlowWaiter waiter) {
        if (!flow.await(waiter)) {
            waiter.flowEnded(this);
        }
    }

    @Override
    public String toString() {
        return "queue '" + name() + "' in vhost '" + vhost() + "'";
    }
}
