package io.warren.broker.queue.stream;

import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.queue.StreamConsumerStatus;
import io.warren.broker.queue.StreamStatus;
import io.warren.broker.stats.QueueCounters;
import io.warren.store.stream.StreamLog;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream (x-queue-type stream): an append-only log on disk that every consumer reads from an offset of its own,
 * as RabbitMQ's and LavinMQ's streams over AMQP 0-9-1. Consuming takes nothing away: acknowledgements only give
 * the consumer credit back; retention removes old segments. Every message is fsynced before it is confirmed and
 * before any consumer sees it. Its state belongs to its loop; the log is read by the consumers' readers there.
 */
public final class StreamQueue extends AmqpQueue {
    private static final Logger LOG = LoggerFactory.getLogger(StreamQueue.class);

    private final StreamLog log;
    private final StreamMessages messages = new StreamMessages();
    private final StreamAppender appender;
    private final Map<QueueConsumer, StreamSubscription> subscriptions = new LinkedHashMap<>();
    // the same, for the admin API and the metrics on their own threads
    private final Map<QueueConsumer, StreamSubscription> published = new ConcurrentHashMap<>();
    // deliveries to tracked consumers, until settled: whose AckedOffsets they count in
    private final Map<QueueEntry, StreamSubscription> owners = new IdentityHashMap<>();
    private final List<QueueEntry> batch = new ArrayList<>();
    private final QueueCounters counters = counters();
    private final StreamRetention retention;
    // offsets below this are fsynced as far as this queue has heard (the log's own mark may lag behind a little)
    private volatile long durableUpTo;
    private boolean deleted;
    private boolean closed;

    StreamQueue(QueueDeclaration declaration, StreamLog log, RetentionSettings retention) {
        super(declaration);
        this.log = log;
        this.retention = new StreamRetention(log, this, retention);
        this.durableUpTo = log.nextOffset(); // what was recovered is on disk
        this.appender = new StreamAppender(log, messages, this, this::durable);
        execute(() -> {
            this.retention.set(retention, loop(), this::updateCounts);
            updateCounts();
        });
    }

    @Override
    public QueueType type() {
        return QueueType.STREAM;
    }

    /** The oldest offset the stream holds (the next one when it is empty); any thread. */
    public long firstOffset() {
        return log.firstOffset();
    }

    /** The newest offset the stream holds (below {@link #firstOffset()} when empty); any thread. */
    public long lastOffset() {
        return log.lastOffset();
    }

    @Override
    public StreamStatus streamStatus() {
        long first = log.firstOffset();
        long last = log.lastOffset();
        List<StreamConsumerStatus> consumers = new ArrayList<>(published.size());
        for (StreamSubscription s : published.values()) {
            consumers.add(s.status(first, last));
        }
        return new StreamStatus(log.segmentCount(), first, last, committedOffset(), consumers);
    }

    @Override
    public StreamConsumerStatus streamConsumerStatus(QueueConsumer consumer) {
        StreamSubscription s = published.get(consumer);
        return s == null ? null : s.status(log.firstOffset(), log.lastOffset());
    }

    // the newest offset consumers may be handed (fsynced)
    private long committedOffset() {
        return Math.min(Math.max(durableUpTo, log.durableOffset()), log.nextOffset()) - 1;
    }

    @Override
    public void checkConsume(String consumerTag, int consumerPrefetch, int globalPrefetch, boolean noAck,
                             Map<String, Object> consumerArguments) {
        StreamConsumeRules.checkConsume(name(), vhost(), consumerTag, consumerPrefetch, globalPrefetch, noAck,
                consumerArguments, arguments(), Clock.systemUTC());
    }

    @Override
    public void checkGet() {
        throw StreamConsumeRules.refuseGet(name(), vhost());
    }

    @Override
    public boolean storesEveryMessage() {
        return true;
    }

    @Override
    public boolean deduplicates() {
        return false;
    }

    /** True for a stream declared with x-single-active-consumer: its consumers are one group by default. */
    @Override
    public boolean singleActiveConsumer() {
        return Boolean.TRUE.equals(arguments().get("x-single-active-consumer"));
    }

    @Override
    public boolean rejectsPublishes() {
        return false;
    }

    @Override
    public boolean inFlow() {
        return false;
    }

    @Override
    public void awaitFlowEnd(FlowWaiter waiter) {
        waiter.flowEnded(this);
    }

    @Override
    public void policyDefinition(Map<String, Object> definition) {
        retention.policyDefinition(definition);
    }

    @Override
    public void applyPolicy(String policyName, Map<String, Object> effectiveArguments) {
        RetentionSettings r = retention.forPolicy(arguments(), policyName);
        execute(() -> {
            status().policy(policyName, effectiveArguments);
            if (r != null && !deleted && !closed) {
                retention.set(r, loop(), this::updateCounts);
                updateCounts();
            }
        });
    }

    // ---- on the loop: publishing ----

    @Override
    public void take(QueueWork work) {
        List<QueueEntry> rejected = work.takeRejected();
        if (rejected != null) {
            // as RabbitMQ: a reject on a stream only gives credit back (the message stays in the log)
            rejected.forEach(QueueEntry::releaseMessage); // a rejected delivery's message is the queue's again
            settled(rejected);
        }
        if (work.messages() != null) {
            append(work);
        }
        if (work.settledCount() > 0) {
            counters.add(QueueCounters.ACKED, work.settledCount());
            if (work.settledLogged() != null) {
                settled(work.settledLogged());
            }
        }
        drain();
    }

    @Override
    public boolean offer(List<Message> batchOfMessages) {
        if (deleted || closed) {
            return false;
        }
        enqueueAll(batchOfMessages);
        return true;
    }

    private void append(QueueWork work) {
        if (deleted) {
            work.discard();
            return;
        }
        if (closed) {
            work.fail(new IOException("the broker is shutting down"));
            return;
        }
        counters.add(QueueCounters.PUBLISHED, appender.append(work));
        retention.enforce();
        updateCounts();
    }

    // fsync thread: consumers may now see the messages below upTo
    private void durable(long upTo) {
        if (durableUpTo < upTo) {
            durableUpTo = upTo;
        }
        execute(this::drain);
    }

    // ---- on the loop: consuming ----

    @Override
    public void addConsumer(QueueConsumer consumer) {
        Map<String, Object> args = consumer.arguments();
        // checked on the channel already (StreamConsumeRules): read again here, where the log is
        StreamOffsetSpec spec = StreamOffsetSpec.parse(args, Clock.systemUTC());
        ConsumerGroup group = ConsumerGroup.of(args, arguments());
        OffsetTracking tracking = OffsetTracking.of(args, consumer.tag(), group);
        StreamSubscription s = new StreamSubscription(consumer, spec, StreamFilter.from(args), group,
                tracking.key());
        if (group == null) {
            s.open(log); // "next" means the next message published after the consume
        }
        subscriptions.put(consumer, s);
        published.put(consumer, s);
        updateCounts();
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        StreamSubscription s = subscriptions.remove(consumer);
        published.remove(consumer);
        if (s != null) {
            s.close(log);
            flushTracking();
            updateCounts();
            if (s.group() != null) {
                drain(); // the next consumer of its group takes over, where it stopped
            }
        }
    }

    @Override
    public void drain() {
        if (deleted || closed || subscriptions.isEmpty()) {
            return;
        }
        long limit = Math.max(durableUpTo, log.durableOffset());
        int delivered = 0;
        Set<ConsumerGroup> served = null;
        for (StreamSubscription s : subscriptions.values()) {
            ConsumerGroup g = s.group();
            if (g != null) {
                // one consumer of a group receives: the earliest that is still there; the others wait their turn
                if (served == null) {
                    served = new HashSet<>();
                }
                boolean active = served.add(g);
                s.consumer().markWaiting(!active);
                if (!active) {
                    continue;
                }
                s.open(log);
            }
            try {
                int n = s.deliver(limit, messages, batch, owners);
                if (n > 0) {
                    delivered += n;
                    QueueConsumer c = s.consumer();
                    c.target().deliver(c, new ArrayList<>(batch));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: cannot read the stream for consumer '{}': {}", this, s.consumer().tag(),
                        e.toString());
            }
            batch.clear();
        }
        if (delivered > 0) {
            counters.add(QueueCounters.DELIVERED, delivered);
            updateCounts();
        }
    }

    // the channel released the acked entries' messages already
    private void settled(List<QueueEntry> entries) {
        for (QueueEntry e : entries) {
            StreamSubscription s = owners.remove(e);
            if (s != null) {
                s.settled(e.sequence());
            }
        }
        storeOffsets();
    }

    private void returned(List<QueueEntry> entries) {
        for (QueueEntry e : entries) {
            e.releaseMessage();
            StreamSubscription s = owners.remove(e);
            if (s != null) {
                s.returned(e.sequence());
            }
        }
        updateCounts();
    }

    private void storeOffsets() {
        boolean moved = false;
        for (StreamSubscription s : subscriptions.values()) {
            moved |= s.storeOffset(log);
        }
        if (moved) {
            flushTracking();
        }
    }

    private void flushTracking() {
        try {
            log.tracking().flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot write the consumers' offsets: {}", this, e.toString());
        }
    }

    /** As RabbitMQ: a stream is not consumed by basic.get (the channel refuses it first). */
    @Override
    public QueueEntry poll(boolean noAck) {
        throw StreamConsumeRules.refuseGet(name(), vhost());
    }

    /** As RabbitMQ: a nack or reject with requeue only gives the consumer credit back; nothing comes again. */
    @Override
    public void requeue(List<QueueEntry> entries, boolean wereUnacked) {
        returned(entries);
    }

    @Override
    public void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked) {
        returned(entries);
    }

    /** As RabbitMQ: a stream cannot be purged (retention is what removes messages); 540 NOT_IMPLEMENTED. */
    @Override
    public int purge() {
        throw StreamConsumeRules.refusePurge(name(), vhost());
    }

    @Override
    public int readyCount() {
        return (int) Math.min(Integer.MAX_VALUE, log.count());
    }

    @Override
    public int consumerCount() {
        return subscriptions.size();
    }

    @Override
    public boolean hasExclusiveConsumer() {
        for (QueueConsumer c : subscriptions.keySet()) {
            if (c.exclusive()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<QueueConsumer> consumersOnLoop() {
        return new ArrayList<>(subscriptions.keySet());
    }

    // ---- on the loop: life ----

    @Override
    public void touch() {
        // streams have no x-expires
    }

    @Override
    public int delete() {
        if (deleted) {
            return 0;
        }
        int n = readyCount();
        deleted = true;
        stop();
        for (QueueConsumer c : new ArrayList<>(subscriptions.keySet())) {
            c.target().cancelledByServer(c);
        }
        subscriptions.clear();
        published.clear();
        try {
            declaration().storage().deleteStream(vhost(), name());
        } catch (IOException e) {
            LOG.warn("{}: cannot remove the stream's files: {}", this, e.toString());
        }
        status().counts(0, 0, 0, 0);
        return n;
    }

    @Override
    public void close() {
        if (closed || deleted) {
            closed = true;
            return;
        }
        closed = true;
        stop();
    }

    // readers first, then the log (flushed and fsynced), so a restart finds every message and offset
    private void stop() {
        retention.stop();
        for (StreamSubscription s : subscriptions.values()) {
            s.close(log);
        }
        owners.clear();
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: closing the stream: {}", this, e.toString());
        }
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }

    private void updateCounts() {
        if (!deleted) {
            // messages are what the log holds: a delivery outstanding is still one of them, not an extra one
            status().counts(readyCount(), log.bytes(), 0, subscriptions.size());
        }
    }
}
