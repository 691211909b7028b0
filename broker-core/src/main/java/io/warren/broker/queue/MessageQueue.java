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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A FIFO queue of messages and its consumers. All of its state belongs to one event loop thread: other
 * threads hand it work through {@link #execute}, like messages to an Erlang process.
 */
public final class MessageQueue implements Destination {
    /** Deliveries handed to one consumer in one task: large enough to amortise, small enough to interleave. */
    private static final int MAX_BATCH = 256;
    /**
     * Flow control, like RabbitMQ's: a queue whose consumers are busy but fall behind stops its publishers
     * above this many ready messages, so the machine's time goes to delivering rather than to a backlog.
     */
    static final int FLOW_HIGH = 20_000;
    static final int FLOW_LOW = FLOW_HIGH / 2;
    /** Consumers that delivered nothing for this long are stuck, not busy: their queue never blocks publishers. */
    private static final long BUSY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long FLOW_CHECK_MILLIS = 100;

    private final String name;
    private final String vhost;
    private final boolean durable;
    private final boolean exclusive;
    private final boolean autoDelete;
    private final Map<String, Object> arguments;
    private final Object exclusiveOwner;
    private final EventExecutor loop;
    private final Consumer<MessageQueue> onAutoDelete;

    // owned by the loop thread
    private final Backlog ready;
    private final ConsumerSelection consumers;
    private final List<QueueConsumer> dispatching = new ArrayList<>();
    private long nextSequence;
    private boolean hadConsumers;
    private boolean deleted;
    private boolean closed;
    private long lastDeliveryNanos;
    private final List<FlowWaiter> flowWaiters = new ArrayList<>();
    private volatile boolean inFlow;

    // snapshots other threads may read for statistics
    private volatile int readyCount;
    private volatile int unackedCount;
    private volatile int consumerCount;
    private volatile long readyBytes;
    private final QueueCounters counters = new QueueCounters();

    /**
     * A queue; log is a durable queue's log as opened from disk (its messages become the queue's), or null;
     * storage says how much it may hold in memory and opens a log for one that must page out.
     */
    public MessageQueue(String name, String vhost, boolean durable, boolean exclusive, boolean autoDelete,
                        Map<String, Object> arguments, Object exclusiveOwner, EventExecutor loop,
                        Consumer<MessageQueue> onAutoDelete, QueueStorage storage, QueueLog log) {
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
        this.nextSequence = ready.nextSequence();
        this.readyCount = ready.size();
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

    /** True while publishers to this queue should pause; read by publishers on their own threads. */
    public boolean inFlow() {
        return inFlow;
    }

    // ---- everything below runs on the queue's loop ----

    /** Takes a connection's batch: its messages (one reference each) and the deliveries it finished with. */
    public void take(QueueWork work) {
        List<Message> messages = work.messages();
        if (messages != null) {
            enqueueAll(messages, work);
        }
        if (work.settledCount() > 0) {
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
        QueueWork work = new QueueWork();
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
        for (int i = 0, n = messages.size(); i < n; i++) {
            ready.add(messages.get(i), nextSequence++);
        }
        ready.endBatch(work);
        counters.add(QueueCounters.PUBLISHED, messages.size());
        drain();
        updateCounts();
    }

    /** Pushes ready messages to consumers with credit, as {@link ConsumerSelection} picks them, a batch each. */
    public void drain() {
        if (deleted || consumers.isEmpty() || ready.isEmpty()) {
            return;
        }
        int before = ready.size();
        while (!ready.isEmpty()) {
            QueueConsumer c = consumers.next();
            if (c == null) {
                break;
            }
            QueueEntry e = ready.poll();
            if (e == null) {
                c.release(1, 1); // the backlog's disk part turned out unreadable
                break;
            }
            ready.delivered(e, c.noAck());
            if (!c.noAck()) {
                unackedCount++;
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
        }
        for (int i = 0; i < dispatching.size(); i++) {
            QueueConsumer c = dispatching.get(i);
            c.target().deliver(c, c.takeBatch());
        }
        if (ready.size() < before) {
            lastDeliveryNanos = System.nanoTime();
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
        if (deleted || closed) {
            entries.forEach(e -> e.message().release());
            return;
        }
        if (redelivered) {
            counters.add(QueueCounters.REDELIVERED, entries.size());
        }
        for (QueueEntry e : entries) {
            if (redelivered) {
                e.markRedelivered();
            }
            ready.putBack(e);
        }
        drain();
        updateCounts();
    }

    /** The next ready message for basic.get, or null. */
    public QueueEntry poll(boolean noAck) {
        QueueEntry e = ready.poll();
        if (e != null) {
            ready.delivered(e, noAck);
            ready.flushQuietly();
            counters.add(QueueCounters.GOT, 1);
            if (!noAck) {
                unackedCount++;
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
        for (QueueConsumer c : consumers.all()) {
            if (c.exclusive()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a consumer that takes nothing yet: once its consume-ok is on the wire, the channel calls
     * {@link #activate}, because a delivery that overtook consume-ok would be refused by the client.
     */
    public void addConsumer(QueueConsumer consumer) {
        consumers.add(consumer);
        hadConsumers = true;
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
        ready.releaseMemory();
    }

    public boolean isDeleted() {
        return deleted;
    }

    private void updateCounts() {
        readyCount = ready.size();
        readyBytes = ready.bytes();
        consumerCount = consumers.size();
        updateFlow();
    }

    // ---- flow control ----

    private void updateFlow() {
        if (!inFlow) {
            if (ready.size() >= FLOW_HIGH && consumersBusy()) {
                inFlow = true;
                scheduleFlowCheck();
            }
        } else if (ready.size() <= FLOW_LOW || !consumersBusy() || deleted) {
            endFlow();
        }
    }

    private boolean consumersBusy() {
        return !consumers.isEmpty() && System.nanoTime() - lastDeliveryNanos < BUSY_NANOS;
    }

    // consumers that stop consuming altogether must not hold publishers forever: look again now and then
    private void scheduleFlowCheck() {
        loop.schedule(() -> {
            if (inFlow) {
                updateFlow();
                if (inFlow) {
                    scheduleFlowCheck();
                }
            }
        }, FLOW_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void endFlow() {
        inFlow = false;
        for (FlowWaiter w : flowWaiters) {
            w.flowEnded(this);
        }
        flowWaiters.clear();
    }

    /** A publisher pauses until this queue's flow ends (at once if it already has). */
    public void awaitFlowEnd(FlowWaiter waiter) {
        if (!inFlow) {
            waiter.flowEnded(this);
        } else if (!flowWaiters.contains(waiter)) {
            flowWaiters.add(waiter);
        }
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost + "'";
    }
}
