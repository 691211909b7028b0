package io.warren.broker.queue;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.message.Message;
import io.warren.broker.stats.QueueCounters;
import io.warren.broker.vhost.Destination;
import io.warren.store.QueueLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FIFO queue of messages and its consumers. All of its state belongs to one event loop thread: other
 * threads hand it work through {@link #execute}, like messages to an Erlang process.
 */
public final class MessageQueue implements Destination {
    private static final Logger LOG = LoggerFactory.getLogger(MessageQueue.class);
    /** Deliveries handed to one consumer in one task: large enough to amortise, small enough to interleave. */
    private static final int MAX_BATCH = 256;
    /** See {@link QueueFlow}. */
    static final int FLOW_HIGH = QueueFlow.HIGH;
    static final int FLOW_LOW = QueueFlow.LOW;
    /** Messages that expire or are dropped together at most, so that a long backlog never sits in memory at once. */
    private static final int DEATH_CHUNK = 4096;

    private final String name;
    private final String vhost;
    private final boolean durable;
    private final boolean exclusive;
    private final boolean autoDelete;
    private final Map<String, Object> arguments;
    private final Object exclusiveOwner;
    private final EventExecutor loop;
    private final Consumer<MessageQueue> onAutoDelete;
    private final DeadLetterer deadLetterer;
    private final UnackedPaging unacked;

    // owned by the loop thread
    private QueueSettings settings;
    private final QueueExpiry expiry;
    private final UnusedQueueTimer unused;
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
     * A queue; log is a durable queue's log as opened from disk (its messages become the queue's), or null;
     * storage says how much it may hold in memory and opens a log for one that must page out.
     */
    public MessageQueue(String name, String vhost, boolean durable, boolean exclusive, boolean autoDelete,
                        Map<String, Object> arguments, Object exclusiveOwner, EventExecutor loop,
                        Consumer<MessageQueue> onAutoDelete, QueueStorage storage, QueueLog log,
                        DeadLetterRouting deadLetterRouting) {
        this.name = name;
        this.vhost = vhost;
        this.durable = durable;
        this.exclusive = exclusive;
        this.autoDelete = autoDelete;
        this.arguments = arguments;
        this.exclusiveOwner = exclusiveOwner;
        this.loop = loop;
        this.onAutoDelete = onAutoDelete;
        int maxPriority = DeliveryOrderArguments.maxPriority(arguments);
        this.ready = maxPriority > 0
                ? new PriorityBacklog(toString(), persistsMessages(), storage, log, vhost, name, maxPriority)
                : new QueueBacklog(toString(), persistsMessages(), storage, log);
        this.consumers = new ConsumerSelection(DeliveryOrderArguments.singleActiveConsumer(arguments));
        this.flow = new QueueFlow(this, loop);
        this.dedup = QueueDeduplication.forArguments(arguments);
        if (dedup != null) {
            for (QueueLog recovered : ready.recoveredLogs()) {
                dedup.recover(recovered, toString());
            }
        }
        // a priority queue's levels and a deduplicating queue's forgetting need the messages: those keep them all
        this.unacked = new UnackedPaging(toString(), storage,
                ready instanceof QueueBacklog b && dedup == null ? b::openedLog : null);
        this.nextSequence = ready.nextSequence();
        this.readyCount = ready.size();
        this.deadLetterer = new DeadLetterer(this, deadLetterRouting);
        this.settings = QueueSettings.from(arguments);
        this.unused = new UnusedQueueTimer(loop, () -> settings.expires(), () -> deleted || closed
                || !consumers.isEmpty(), () -> {
                    LOG.info("{} expired: unused for {} ms (x-expires)", this, settings.expires());
                    onAutoDelete.accept(this);
                });
        this.rejectsPublishes = settings.rejectsPublishes();
        this.expiry = new QueueExpiry(ready, loop, () -> this.settings, this::expired, () -> deleted || closed,
                DEATH_CHUNK);
        if (settings.messageTtl() >= 0 || ready.size() > 0) {
            expiry.watch(); // recovered messages may carry expiry times: look at the head once the queue runs
        }
        loop.execute(this::settingsChanged);
    }

    public String name() {
        return name;
    }

    public String vhost() {
        return vhost;
    }

    public boolean durable() {
        return durable;
    }

    /** True when the queue's persistent messages go to its log and survive a restart (durable, not exclusive). */
    public boolean persistsMessages() {
        return durable && !exclusive;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public boolean autoDelete() {
        return autoDelete;
    }

    public Map<String, Object> arguments() {
        return arguments;
    }

    /** The name of the policy in effect, or null. */
    public String policyName() {
        return policyName;
    }

    /** The queue's arguments as completed by its policy; its own arguments until a policy was applied. */
    public Map<String, Object> effectiveArguments() {
        Map<String, Object> e = effectiveArguments;
        return e == null ? arguments : e;
    }

    /** True when the queue drops messages whose x-deduplication-header value it holds; readable anywhere. */
    public boolean deduplicates() {
        return dedup != null;
    }

    /**
     * The queue's deduplication, or null: every path on which a message leaves the queue other than ack, no-ack
     * delivery and purge (dead-lettering, expiry, length limits) must call its forget. On the queue's loop.
     */
    public QueueDeduplication deduplication() {
        return dedup;
    }

    /** The connection that owns an exclusive queue, or null. */
    public Object exclusiveOwner() {
        return exclusiveOwner;
    }

    public EventExecutor loop() {
        return loop;
    }

    public void execute(Runnable task) {
        loop.execute(task);
    }

    public int readyCountSnapshot() {
        return readyCount;
    }

    public int unackedCountSnapshot() {
        return unackedCount;
    }

    public int consumerCountSnapshot() {
        return consumerCount;
    }

    /** Body bytes of the ready messages, as of the queue's last change. */
    public long readyBytesSnapshot() {
        return readyBytes;
    }

    /** Body bytes of the unacked messages held in memory (the rest are only in the log), as of the last change. */
    public long unackedBytesInMemorySnapshot() {
        return unacked.heldBytesSnapshot();
    }

    /** This queue's message totals (written on its thread, readable anywhere). */
    public QueueCounters counters() {
        return counters;
    }

    /** A copy of the consumers; on the queue's thread only. */
    public List<QueueConsumer> consumersOnLoop() {
        return new ArrayList<>(consumers.all());
    }

    /** True when only one consumer at a time receives (x-single-active-consumer). */
    public boolean singleActiveConsumer() {
        return consumers.singleActive();
    }

    /**
     * True when a full queue refuses publishes (x-overflow reject-publish): confirming publishers then hand every
     * message a confirm barrier so that each refusal can be nacked. Read by publishers on their own threads.
     */
    public boolean rejectsPublishes() {
        return rejectsPublishes;
    }

    /** True while publishers to this queue should pause; read by publishers on their own threads. */
    public boolean inFlow() {
        return flow.inFlow();
    }

    // ---- everything below runs on the queue's loop ----

    /** Takes a connection's batch: its messages (one reference each) and the deliveries it finished with. */
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

    /**
     * Takes over one reference of each message and returns true, unless the queue is deleted or the broker is
     * stopping: then it returns false and the caller keeps the messages.
     */
    public boolean offer(List<Message> messages) {
        if (deleted || closed) {
            return false;
        }
        enqueueAll(messages);
        return true;
    }

    /** Takes over one reference of each message (messages the broker itself moves or publishes). */
    public void enqueueAll(List<Message> messages) {
        QueueWork work = new QueueWork();
        for (Message m : messages) {
            work.publish(m, null);
        }
        take(work);
    }

    /**
     * Entries taken with {@link #poll(boolean) poll(false)} that are finished with (moved elsewhere): their log
     * records are acked; their messages now belong to the caller.
     */
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
                e.releaseMessage();
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
        unacked.returned(entries);
        if (deleted || closed) {
            entries.forEach(QueueEntry::releaseMessage);
            return;
        }
        // paged-out messages are read back to be dead-lettered, a chunk at a time
        for (int from = 0; from < entries.size(); from += DEATH_CHUNK) {
            died(unacked.withBodies(settings.deadLetters(),
                    entries.subList(from, Math.min(entries.size(), from + DEATH_CHUNK)), this::forget),
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

    /** The queue is used (declared again, consumed from, got from): its x-expires countdown starts again. */
    public void touch() {
        unused.touch();
    }

    // ---- settings and policies ----

    /**
     * Puts the policy now in effect (null for none) in force, with the x-arguments it leaves the queue with: its
     * own arguments completed by the policy's (see io.warren.broker.policy.EffectiveArguments). A new TTL applies
     * to messages published from now on, as in RabbitMQ. Called on the thread that sets the policy: publishers
     * learn at once that the queue will refuse publishes (a message routed from now on carries a confirm barrier,
     * so a refusal is nacked); the rest happens on the queue's loop.
     */
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
        unused.schedule();
        if (settings.overflow() == QueueSettings.Overflow.DROP_HEAD) {
            dropOverLimit(settings);
        }
        if (expiry.active()) {
            expiry.expireHead(System.currentTimeMillis());
        }
        updateCounts();
    }

    /** Pushes ready messages to consumers with credit, as {@link ConsumerSelection} picks them, a batch each. */
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

    /** Puts unacknowledged entries back in their original place, marked redelivered. */
    public void requeue(List<QueueEntry> entries, boolean wereUnacked) {
        putBack(entries, wereUnacked, true);
    }

    /** Puts back entries that never reached their consumer (it went away first); they are not redelivered. */
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
        int step = stamps ? DEATH_CHUNK : Math.max(1, entries.size());
        for (int from = 0; from < entries.size(); from += step) {
            putBackChunk(unacked.withBodies(stamps, entries.subList(from, Math.min(entries.size(), from + step)),
                    this::forget), redelivered, s.deliveryLimit());
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

    /** The next ready message for basic.get, or null. */
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
                unacked.delivering(e);
            } else if (dedup != null) {
                dedup.forget(e);
            }
            updateCounts();
        }
        return e;
    }

    public int readyCount() {
        return ready.size();
    }

    public int consumerCount() {
        return consumers.size();
    }

    public boolean hasExclusiveConsumer() {
        return consumers.all().stream().anyMatch(QueueConsumer::exclusive);
    }

    /**
     * Adds a consumer that takes nothing yet: once its consume-ok is on the wire, the channel calls
     * {@link #activate}, because a delivery that overtook consume-ok would be refused by the client.
     */
    public void addConsumer(QueueConsumer consumer) {
        consumers.add(consumer);
        hadConsumers = true;
        touch();
        updateCounts();
    }

    /** Lets a consumer added earlier take messages, and delivers to it. */
    public void activate(QueueConsumer consumer) {
        consumer.activate();
        drain();
    }

    /** Removes a consumer; an auto-delete queue goes away with its last consumer. */
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

    /** Drops every ready message; returns how many. */
    public int purge() {
        int n = ready.purge();
        if (dedup != null) {
            dedup.clear(); // as the plugin flushes its cache: unacknowledged messages' values go too
        }
        updateCounts();
        return n;
    }

    /** Marks the queue gone: consumers are told, messages released. Returns the number of ready messages. */
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

    /**
     * The broker is stopping: in-memory messages are released, and consumers that go away no longer auto-delete
     * the queue, so a durable queue comes back after the restart with what its log holds.
     */
    public void close() {
        closed = true;
        cancelTimers();
        ready.releaseMemory();
    }

    private void cancelTimers() {
        expiry.cancel();
        unused.cancel();
    }

    public boolean isDeleted() {
        return deleted;
    }

    private void updateCounts() {
        unacked.report();
        readyCount = ready.size();
        readyBytes = ready.bytes();
        consumerCount = consumers.size();
        flow.update();
    }

    /** A publisher pauses until this queue's flow ends (at once if it already has). */
    public void awaitFlowEnd(FlowWaiter waiter) {
        if (!flow.await(waiter)) {
            waiter.flowEnded(this);
        }
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost + "'";
    }
}
