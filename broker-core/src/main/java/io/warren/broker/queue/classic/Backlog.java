package io.warren.broker.queue.classic;

import io.warren.broker.message.Message;
import io.warren.broker.queue.DeliveryOrderArguments;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueWork;
import io.warren.store.QueueLog;
import java.util.List;

/**
 * A queue's ready messages as its queue sees them, whether they wait in one FIFO ({@link QueueBacklog}) or in one
 * per priority level ({@link PriorityBacklog}). Owned by the queue's thread.
 */
interface Backlog {
    /** The backlog of a queue as declared (one per priority level with x-max-priority), over its log if durable. */
    static Backlog open(QueueDeclaration d, String owner, QueueLog log) {
        int maxPriority = DeliveryOrderArguments.maxPriority(d.arguments());
        return maxPriority > 0
                ? new PriorityBacklog(owner, d.persistsMessages(), d.storage(), log, d.vhost(), d.name(), maxPriority)
                : new QueueBacklog(owner, d.persistsMessages(), d.storage(), log);
    }

    /** The logs opened with messages in them (a durable queue after a restart): one, or one per priority level. */
    List<QueueLog> recoveredLogs();

    /** The sequence number the queue continues with: past everything its logs hold. */
    long nextSequence();

    int size();

    boolean isEmpty();

    /** Body bytes of the ready messages. */
    long bytes();

    /** Takes over one reference of the message, which expires at expiresAt (or never: QueueEntry.NEVER). */
    void add(Message m, long seq, long expiresAt);

    /** Ends a batch of adds: writes what was appended and holds each barrier until its messages are durable. */
    void endBatch(QueueWork work);

    /** Writes delivery marks and acks out, logging rather than throwing; reports memory use. */
    void flushQuietly();

    /** The next message to deliver, left in place, or null. */
    QueueEntry peek();

    /** Takes a message at the head (of any priority level) whose time came at or before now, or returns null. */
    QueueEntry pollExpired(long now);

    /** The earliest expiry time among the heads (of every priority level), or QueueEntry.NEVER. */
    long nextExpiry();

    /** The next message to deliver, or null. */
    QueueEntry poll();

    /** Puts a message taken earlier back in its place; it counts at once, but call {@link #endPutBack} next. */
    void putBack(QueueEntry e);

    /** The messages put back since the last call are all back: what the memory window cannot hold waits on disk. */
    void endPutBack();

    /** A message leaves the queue for a consumer: noAck finishes it, otherwise a redelivery is remembered. */
    void delivered(QueueEntry e, boolean noAck);

    /** Deliveries finished with: their records are acked. */
    void settled(List<QueueEntry> entries);

    /** Drops every ready message, in memory and on disk; returns how many there were. */
    int purge();

    /** The queue is gone: its messages and its logs with them. */
    void delete();

    /** Releases every message in memory (broker shutting down); the logs stay as they are. */
    void releaseMemory();
}
