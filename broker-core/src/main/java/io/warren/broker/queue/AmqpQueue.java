package io.warren.broker.queue;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.message.Message;
import io.warren.broker.stats.QueueCounters;
import io.warren.broker.vhost.Destination;
import java.util.List;
import java.util.Map;

/**
 * A queue of any type, as channels, the vhost, the admin API and the metrics see it. Each type (see
 * {@link QueueType}) lives in a package of its own. A queue's state belongs to its own event loop thread: other
 * threads hand it work with {@link #execute}; the methods marked "any thread" read snapshots, the rest run on
 * the queue's loop. An abstract class rather than an interface so that routing's instanceof and casts stay
 * class checks, which do not contend on the JVM's one-entry secondary-supertype cache (JDK-8180450).
 */
public abstract class AmqpQueue implements Destination {
    private final QueueDeclaration declaration;
    private final QueueStatus status = new QueueStatus();

    protected AmqpQueue(QueueDeclaration declaration) {
        this.declaration = declaration;
    }

    /** What the queue was declared as; any thread. */
    public final QueueDeclaration declaration() {
        return declaration;
    }

    /** Its type; any thread. */
    public abstract QueueType type();

    @Override
    public final String name() {
        return declaration.name();
    }

    public final String vhost() {
        return declaration.vhost();
    }

    public final boolean durable() {
        return declaration.durable();
    }

    public final boolean exclusive() {
        return declaration.exclusive();
    }

    public final boolean autoDelete() {
        return declaration.autoDelete();
    }

    /** The x-arguments it was declared with. */
    public final Map<String, Object> arguments() {
        return declaration.arguments();
    }

    /** The connection that owns an exclusive queue, or null. */
    public final Object exclusiveOwner() {
        return declaration.exclusiveOwner();
    }

    /** True when the queue's persistent messages go to its log and survive a restart (durable, not exclusive). */
    public final boolean persistsMessages() {
        return declaration.persistsMessages();
    }

    /** The event loop that owns the queue. */
    public final EventExecutor loop() {
        return declaration.loop();
    }

    /** Runs a task on the queue's loop. */
    public final void execute(Runnable task) {
        declaration.loop().execute(task);
    }

    // ---- any thread: snapshots for the admin API and the metrics ----

    /** Its depth, totals and policy, as of its last change; written by the queue's loop only. */
    public final QueueStatus status() {
        return status;
    }

    /** The name of the policy in effect, or null. */
    public final String policyName() {
        return status.policyName();
    }

    /** The queue's arguments as completed by its policy; its own arguments until a policy was applied. */
    public final Map<String, Object> effectiveArguments() {
        Map<String, Object> e = status.effectiveArguments();
        return e == null ? arguments() : e;
    }

    public final int readyCountSnapshot() {
        return status.ready();
    }

    public final int unackedCountSnapshot() {
        return status.unacked();
    }

    public final int consumerCountSnapshot() {
        return status.consumers();
    }

    /** Body bytes of the ready messages, as of the queue's last change. */
    public final long readyBytesSnapshot() {
        return status.readyBytes();
    }

    /**
     * True for a proxy of a queue that lives on another node of a cluster: its snapshots are the home node's figures
     * as last reported, and per-node metrics leave it out. Any thread.
     */
    public boolean remote() {
        return false;
    }

    /** A stream's segments, offsets and consumers' positions; null for a queue that is not a stream. Any thread. */
    public StreamStatus streamStatus() {
        return null;
    }

    /** Where this stream consumer is; null when the queue is not a stream or the consumer not on it. Any thread. */
    public StreamConsumerStatus streamConsumerStatus(QueueConsumer consumer) {
        return null;
    }

    /** The queue's message totals (written on its thread, readable anywhere). */
    public final QueueCounters counters() {
        return status.counters();
    }

    /**
     * Refuses a basic.consume this queue's type does not allow (an AmqpException, sent as the client's reply).
     * Called on the consuming channel's thread before the consumer is made.
     */
    public void checkConsume(String consumerTag, int consumerPrefetch, int globalPrefetch, boolean noAck,
                             Map<String, Object> consumerArguments) {
        DeliveryOrderArguments.checkConsume(consumerArguments, name(), vhost());
    }

    /**
     * Refuses a declare of the queue (passive or not) when it cannot be used: a queue whose home node is down (an
     * AmqpException naming the node, as RabbitMQ's 404). On the channel's thread.
     */
    public void checkAvailable() {
    }

    /** Refuses a basic.get when this queue's type has none (an AmqpException); on the channel's thread. */
    public void checkGet() {
    }

    /**
     * True when every message the queue takes goes to disk, persistent or not (a stream), so a publisher's confirm
     * waits for its fsync whatever the delivery mode. Read by publishers on their own threads.
     */
    public boolean storesEveryMessage() {
        return false;
    }

    /**
     * The definition of the policy about to be applied (null for none), for a type that reads keys of it the
     * x-arguments do not carry (a stream's max-age); called just before {@link #applyPolicy}.
     */
    public void policyDefinition(Map<String, Object> definition) {
    }

    /** True when the queue drops messages whose x-deduplication-header value it holds. */
    public abstract boolean deduplicates();

    /**
     * True when the queue needs every settled entry in its {@link QueueWork} (not only their count): a deduplicating
     * queue forgets their values, a queue on another node names them to it. Read by connections on their threads.
     */
    public boolean keepsSettledEntries() {
        return deduplicates();
    }

    /** True when only one consumer at a time receives (x-single-active-consumer). */
    public abstract boolean singleActiveConsumer();

    /**
     * True when a full queue refuses publishes (x-overflow reject-publish): confirming publishers then hand every
     * message a confirm barrier so that each refusal can be nacked. Read by publishers on their own threads.
     */
    public abstract boolean rejectsPublishes();

    /** True while publishers to this queue should pause; read by publishers on their own threads. */
    public abstract boolean inFlow();

    /** A publisher pauses until this queue's flow ends (at once if it already has). */
    public abstract void awaitFlowEnd(FlowWaiter waiter);

    /**
     * Puts the policy now in effect (null for none) in force, with the x-arguments it leaves the queue with: its
     * own arguments completed by the policy's. Called on the thread that sets the policy.
     */
    public abstract void applyPolicy(String policyName, Map<String, Object> effectiveArguments);

    // ---- on the queue's loop: messages ----

    /** Takes a connection's batch: its messages (one reference each) and the deliveries it finished with. */
    public abstract void take(QueueWork work);

    /**
     * Takes over one reference of each message and returns true, unless the queue is deleted or the broker is
     * stopping: then it returns false and the caller keeps the messages.
     */
    public abstract boolean offer(List<Message> messages);

    /**
     * As {@link #offer(List)}, answered once the queue has the messages: at once for a queue here (on its loop), once
     * its home node has them on disk for a queue on another node (on any thread). took false: the caller keeps them.
     */
    public void offer(List<Message> messages, java.util.function.Consumer<Boolean> took) {
        took.accept(offer(messages));
    }

    /** Takes over one reference of each message (messages the broker itself moves or publishes). */
    public void enqueueAll(List<Message> messages) {
        QueueWork work = new QueueWork();
        for (Message m : messages) {
            work.publish(m, null);
        }
        take(work);
    }

    /** The next ready message for basic.get (touching the queue), or null. */
    public abstract QueueEntry poll(boolean noAck);

    /**
     * Entries taken with {@link #poll(boolean) poll(false)} that are finished with (moved elsewhere): their log
     * records are acked; their messages now belong to the caller.
     */
    public void finish(List<QueueEntry> entries) {
        QueueWork work = new QueueWork(keepsSettledEntries());
        for (QueueEntry e : entries) {
            work.settle(e);
        }
        take(work);
    }

    /** What a basic.get hears back: the entry (null when the queue is empty) and how many are left ready. */
    public interface GetAnswer {
        void got(QueueEntry entry, int remaining);

        /** The queue could not answer (its home node is away): the channel is closed with the error. */
        void failed(io.warren.broker.error.AmqpException error);
    }

    /** What a queue.purge hears back. */
    public interface PurgeAnswer {
        void purged(int count);

        /** The queue could not answer (its home node is away): the channel is closed with the error. */
        void failed(io.warren.broker.error.AmqpException error);
    }

    /**
     * basic.get: the next ready message, answered on the queue's loop: at once for a queue here, once its home node
     * has answered for a queue on another node.
     */
    public void poll(boolean noAck, GetAnswer answer) {
        QueueEntry e = poll(noAck);
        answer.got(e, readyCount());
    }

    /** What taking several ready messages at once hears back (see {@link #takeReady}). */
    public interface TakeAnswer {
        /** The entries taken (none when the queue had no ready message), in the queue's order. */
        void took(List<QueueEntry> entries);

        /** The queue could not answer (its home node is away). */
        void failed(io.warren.broker.error.AmqpException error);
    }

    /**
     * Up to max ready messages, in order, taken as by {@link #poll(boolean) poll(false)} (for a transfer that
     * {@link #finish}es or requeues them), answered on the queue's loop: at once for a queue here, in one round trip
     * for a queue on another node.
     */
    public void takeReady(int max, TakeAnswer answer) {
        List<QueueEntry> taken = new java.util.ArrayList<>();
        QueueEntry e;
        while (taken.size() < max && (e = poll(false)) != null) {
            taken.add(e);
        }
        answer.took(taken);
    }

    /** queue.purge: how many ready messages were dropped, answered on the queue's loop (at once, or later). */
    public void purge(PurgeAnswer answer) {
        answer.purged(purge());
    }

    /** What queue.declare-ok reports: ready messages and consumers. */
    public interface CountsAnswer {
        void counted(int messages, int consumers);

        /** The queue could not answer (its home node is away): the channel is closed with the error. */
        void failed(io.warren.broker.error.AmqpException error);
    }

    /** Its ready messages and consumers, answered on the queue's loop (at once, or once its home node answered). */
    public void counts(CountsAnswer answer) {
        answer.counted(readyCount(), consumerCount());
    }

    /** Puts unacknowledged entries back in their original place, marked redelivered. */
    public abstract void requeue(List<QueueEntry> entries, boolean wereUnacked);

    /** Puts back entries that never reached their consumer (it went away first); they are not redelivered. */
    public abstract void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked);

    /** Drops every ready message; returns how many. */
    public abstract int purge();

    public abstract int readyCount();

    // ---- on the queue's loop: consumers ----

    /**
     * Adds a consumer that takes nothing yet: once its consume-ok is on the wire, the channel calls
     * {@link #activate}, because a delivery that overtook consume-ok would be refused by the client.
     */
    public abstract void addConsumer(QueueConsumer consumer);

    /** What adding a consumer hears back: added (consume-ok may go), or refused. */
    public interface ConsumeAnswer {
        void added();

        /** The consumer was refused (a queue in exclusive use on another node, its home away): the channel's error. */
        void failed(io.warren.broker.error.AmqpException error);
    }

    /**
     * Adds a consumer as {@link #addConsumer(QueueConsumer)}, answered on the queue's loop: at once for a queue here;
     * for a queue on another node once its home node has checked it against every node's consumers and taken it.
     */
    public void addConsumer(QueueConsumer consumer, ConsumeAnswer answer) {
        addConsumer(consumer);
        answer.added();
    }

    /** Lets a consumer added earlier take messages, and delivers to it. */
    public void activate(QueueConsumer consumer) {
        consumer.activate();
        drain();
    }

    /** Removes a consumer; an auto-delete queue goes away with its last consumer. */
    public abstract void removeConsumer(QueueConsumer consumer);

    /** Delivers what it can to consumers with credit (a channel's window opened again). */
    public abstract void drain();

    public abstract int consumerCount();

    public abstract boolean hasExclusiveConsumer();

    /** A copy of the consumers. */
    public abstract List<QueueConsumer> consumersOnLoop();

    // ---- on the queue's loop: life ----

    /** The queue is used (declared again, consumed from, got from): its x-expires countdown starts again. */
    public abstract void touch();

    /** Marks the queue gone: consumers are told, messages released. Returns the number of ready messages. */
    public abstract int delete();

    /**
     * The broker is stopping: in-memory messages are released, and consumers that go away no longer auto-delete
     * the queue, so a durable queue comes back after the restart with what its log holds.
     */
    public abstract void close();

    public abstract boolean isDeleted();

    @Override
    public final String toString() {
        return "queue '" + name() + "' in vhost '" + vhost() + "'";
    }
}
