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
 * the queue's loop.
 */
public interface AmqpQueue extends Destination {

    /** What the queue was declared as; any thread. */
    QueueDeclaration declaration();

    /** Its type; any thread. */
    QueueType type();

    @Override
    default String name() {
        return declaration().name();
    }

    default String vhost() {
        return declaration().vhost();
    }

    default boolean durable() {
        return declaration().durable();
    }

    default boolean exclusive() {
        return declaration().exclusive();
    }

    default boolean autoDelete() {
        return declaration().autoDelete();
    }

    /** The x-arguments it was declared with. */
    default Map<String, Object> arguments() {
        return declaration().arguments();
    }

    /** The connection that owns an exclusive queue, or null. */
    default Object exclusiveOwner() {
        return declaration().exclusiveOwner();
    }

    /** True when the queue's persistent messages go to its log and survive a restart (durable, not exclusive). */
    default boolean persistsMessages() {
        return declaration().persistsMessages();
    }

    /** The event loop that owns the queue. */
    default EventExecutor loop() {
        return declaration().loop();
    }

    /** Runs a task on the queue's loop. */
    default void execute(Runnable task) {
        declaration().loop().execute(task);
    }

    // ---- any thread: snapshots for the admin API and the metrics ----

    /** Its depth, totals and policy, as of its last change. */
    QueueStatus status();

    /** The name of the policy in effect, or null. */
    default String policyName() {
        return status().policyName();
    }

    /** The queue's arguments as completed by its policy; its own arguments until a policy was applied. */
    default Map<String, Object> effectiveArguments() {
        Map<String, Object> e = status().effectiveArguments();
        return e == null ? arguments() : e;
    }

    default int readyCountSnapshot() {
        return status().ready();
    }

    default int unackedCountSnapshot() {
        return status().unacked();
    }

    default int consumerCountSnapshot() {
        return status().consumers();
    }

    /** Body bytes of the ready messages, as of the queue's last change. */
    default long readyBytesSnapshot() {
        return status().readyBytes();
    }

    /** The queue's message totals (written on its thread, readable anywhere). */
    default QueueCounters counters() {
        return status().counters();
    }

    /** True when the queue drops messages whose x-deduplication-header value it holds. */
    boolean deduplicates();

    /** True when only one consumer at a time receives (x-single-active-consumer). */
    boolean singleActiveConsumer();

    /**
     * True when a full queue refuses publishes (x-overflow reject-publish): confirming publishers then hand every
     * message a confirm barrier so that each refusal can be nacked. Read by publishers on their own threads.
     */
    boolean rejectsPublishes();

    /** True while publishers to this queue should pause; read by publishers on their own threads. */
    boolean inFlow();

    /** A publisher pauses until this queue's flow ends (at once if it already has). */
    void awaitFlowEnd(FlowWaiter waiter);

    /**
     * Puts the policy now in effect (null for none) in force, with the x-arguments it leaves the queue with: its
     * own arguments completed by the policy's. Called on the thread that sets the policy.
     */
    void applyPolicy(String policyName, Map<String, Object> effectiveArguments);

    // ---- on the queue's loop: messages ----

    /** Takes a connection's batch: its messages (one reference each) and the deliveries it finished with. */
    void take(QueueWork work);

    /**
     * Takes over one reference of each message and returns true, unless the queue is deleted or the broker is
     * stopping: then it returns false and the caller keeps the messages.
     */
    boolean offer(List<Message> messages);

    /** Takes over one reference of each message (messages the broker itself moves or publishes). */
    default void enqueueAll(List<Message> messages) {
        QueueWork work = new QueueWork();
        for (Message m : messages) {
            work.publish(m, null);
        }
        take(work);
    }

    /** The next ready message for basic.get (touching the queue), or null. */
    QueueEntry poll(boolean noAck);

    /**
     * Entries taken with {@link #poll(boolean) poll(false)} that are finished with (moved elsewhere): their log
     * records are acked; their messages now belong to the caller.
     */
    default void finish(List<QueueEntry> entries) {
        QueueWork work = new QueueWork(deduplicates());
        for (QueueEntry e : entries) {
            work.settle(e);
        }
        take(work);
    }

    /** Puts unacknowledged entries back in their original place, marked redelivered. */
    void requeue(List<QueueEntry> entries, boolean wereUnacked);

    /** Puts back entries that never reached their consumer (it went away first); they are not redelivered. */
    void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked);

    /** Drops every ready message; returns how many. */
    int purge();

    int readyCount();

    // ---- on the queue's loop: consumers ----

    /**
     * Adds a consumer that takes nothing yet: once its consume-ok is on the wire, the channel calls
     * {@link #activate}, because a delivery that overtook consume-ok would be refused by the client.
     */
    void addConsumer(QueueConsumer consumer);

    /** Lets a consumer added earlier take messages, and delivers to it. */
    void activate(QueueConsumer consumer);

    /** Removes a consumer; an auto-delete queue goes away with its last consumer. */
    void removeConsumer(QueueConsumer consumer);

    /** Delivers what it can to consumers with credit (a channel's window opened again). */
    void drain();

    int consumerCount();

    boolean hasExclusiveConsumer();

    /** A copy of the consumers. */
    List<QueueConsumer> consumersOnLoop();

    // ---- on the queue's loop: life ----

    /** The queue is used (declared again, consumed from, got from): its x-expires countdown starts again. */
    void touch();

    /** Marks the queue gone: consumers are told, messages released. Returns the number of ready messages. */
    int delete();

    /**
     * The broker is stopping: in-memory messages are released, and consumers that go away no longer auto-delete
     * the queue, so a durable queue comes back after the restart with what its log holds.
     */
    void close();

    boolean isDeleted();
}
