package io.warren.cluster.remote;

import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.QueueWork;
import io.warren.broker.queue.stream.StreamConsumeRules;
import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.link.ConsumerSink;
import io.warren.codec.LongString;
import io.warren.codec.ReplyCodes;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A durable queue that lives on another node (its home), as this node sees it: routing here finds it like any
 * queue, and what is routed to it goes over the {@link ClusterLink} in the batches it arrives in. A confirming
 * publisher's barrier is released when the home node answers that it has fsynced the batch, so a confirm from
 * this node means the message is on the home node's disk. It holds no messages itself.
 */
public final class RemoteQueue extends AmqpQueue {
    private final String home;
    private final ClusterLink link;
    private final boolean rejectsPublishes;
    private final RemoteConsumers consumers;
    private boolean deleted;

    RemoteQueue(QueueDeclaration declaration, String home, ClusterLink link) {
        super(declaration);
        this.home = home;
        this.link = link;
        this.consumers = new RemoteConsumers(this, home, link);
        Object overflow = declaration.arguments().get("x-overflow");
        this.rejectsPublishes = overflow != null && "reject-publish".equals(overflow.toString())
                || overflow instanceof LongString l && "reject-publish".equals(l.toString());
    }

    /** The node the queue lives on. */
    public String home() {
        return home;
    }

    /** Its snapshots are written by the home node's status reports (io.warren.cluster.status), not here. */
    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public QueueType type() {
        return QueueType.of(arguments());
    }

    // ---- publishing: forwarded ----

    @Override
    public void take(QueueWork work) {
        settle(work);
        List<Message> messages = work.messages();
        if (messages == null || messages.isEmpty()) {
            return;
        }
        int n = work.barrierCount();
        if (n == 0) {
            link.publish(home, vhost(), name(), messages, null);
            return;
        }
        PublishBarrier[] barriers = new PublishBarrier[n];
        int[] holds = new int[n];
        for (int i = 0; i < n; i++) {
            barriers[i] = work.barrier(i);
            holds[i] = work.holds(i);
        }
        link.publish(home, vhost(), name(), messages, answer -> {
            for (int r : answer.refused()) {
                work.refuse(r);
            }
            IOException failure = answer.ok() ? null : new IOException(answer.error());
            for (int i = 0; i < n; i++) {
                if (failure == null) {
                    barriers[i].release(holds[i]);
                } else {
                    barriers[i].fail(holds[i], failure);
                }
            }
        });
    }

    // acks and rejects of what consumers here received go back to the home node, one frame per kind per batch
    private void settle(QueueWork work) {
        List<QueueEntry> settled = work.settledEntries();
        if (settled != null && !settled.isEmpty()) {
            link.ack(home, idsOf(settled, false)); // the channel let go of acked messages already
        }
        List<QueueEntry> rejected = work.takeRejected();
        if (rejected != null && !rejected.isEmpty()) {
            link.reject(home, idsOf(rejected, true));
        }
    }

    // the home node's delivery ids of entries consumers here had; release: the entries let go of their messages
    private static long[] idsOf(List<QueueEntry> entries, boolean release) {
        long[] ids = new long[entries.size()];
        int n = 0;
        for (QueueEntry e : entries) {
            if (release) {
                e.releaseMessage();
            }
            if (e.sequence() != 0) {
                ids[n++] = e.sequence();
            }
        }
        return n == ids.length ? ids : java.util.Arrays.copyOf(ids, n);
    }

    @Override
    public boolean keepsSettledEntries() {
        return true;
    }

    @Override
    public boolean offer(List<Message> messages) {
        if (deleted) {
            return false;
        }
        link.publish(home, vhost(), name(), messages, null);
        return true;
    }

    /** Taken once the home node has the messages on disk; a failure leaves them with the caller. */
    @Override
    public void offer(List<Message> messages, java.util.function.Consumer<Boolean> took) {
        if (deleted) {
            took.accept(false);
            return;
        }
        messages.forEach(Message::retain); // the caller's references stay until the home node answered
        link.publish(home, vhost(), name(), messages, answer -> {
            if (answer.ok()) {
                messages.forEach(Message::release); // taken over, as a queue here takes them
            }
            took.accept(answer.ok());
        });
    }

    @Override
    public boolean rejectsPublishes() {
        return rejectsPublishes;
    }

    /** Publishers pause while the link to the home node has more waiting for its socket than it lets pile up. */
    @Override
    public boolean inFlow() {
        return !link.writable(home);
    }

    @Override
    public void awaitFlowEnd(FlowWaiter waiter) {
        link.whenWritable(home, () -> execute(() -> waiter.flowEnded(this)));
    }

    /** A stream on its home node writes every message to disk: a confirm waits for it, persistent or not. */
    @Override
    public boolean storesEveryMessage() {
        return type() == QueueType.STREAM;
    }

    @Override
    public boolean deduplicates() {
        return false;
    }

    @Override
    public boolean singleActiveConsumer() {
        return false;
    }

    @Override
    public void applyPolicy(String policyName, Map<String, Object> effectiveArguments) {
        // the home node applies the policy to the queue itself; this node's channels still read what they enforce
        // for the queue's deliveries here (consumer-timeout) from its effective arguments
        status().policy(policyName, effectiveArguments);
    }

    // ---- consuming: registered on the home node, which pushes within the consumer's prefetch ----

    // RabbitMQ's words for a queue whose node is away
    private void checkHomeUp() {
        if (link.down(home)) {
            throw AmqpException.channel(ReplyCodes.NOT_FOUND, "home node '%s' of durable queue '%s' in vhost '%s' is "
                    + "down or inaccessible", home, name(), vhost());
        }
    }

    @Override
    public void checkAvailable() {
        checkHomeUp();
    }

    @Override
    public void checkConsume(String consumerTag, int consumerPrefetch, int globalPrefetch, boolean noAck,
                             Map<String, Object> consumerArguments) {
        if (type() == QueueType.STREAM) {
            // a stream's rules, here where the client is (the home node reads the offset again where the log is)
            StreamConsumeRules.checkConsume(name(), vhost(), consumerTag, consumerPrefetch, globalPrefetch, noAck,
                    consumerArguments, arguments(), Clock.systemUTC());
        } else {
            super.checkConsume(consumerTag, consumerPrefetch, globalPrefetch, noAck, consumerArguments);
        }
        checkHomeUp();
    }

    @Override
    public void checkGet() {
        if (type() == QueueType.STREAM) {
            throw StreamConsumeRules.refuseGet(name(), vhost());
        }
        checkHomeUp();
    }

    private AmqpException unavailable(String error) {
        return AmqpException.channel(ReplyCodes.NOT_FOUND, "queue '%s' in vhost '%s' on its home node '%s': %s",
                name(), vhost(), home, error);
    }

    @Override
    public void poll(boolean noAck, GetAnswer answer) {
        link.get(home, vhost(), name(), noAck, got -> execute(() -> {
            if (got.error() != null) {
                answer.failed(unavailable(got.error()));
            } else if (got.delivery() == null) {
                answer.got(null, 0);
            } else {
                ConsumerSink.Delivery d = got.delivery();
                answer.got(new QueueEntry(d.message(), d.id(), d.redelivered(), false, QueueEntry.NEVER),
                        got.remaining());
            }
        }));
    }

    @Override
    public void takeReady(int max, TakeAnswer answer) {
        link.take(home, vhost(), name(), max, taken -> execute(() -> {
            if (taken.error() != null) {
                answer.failed(unavailable(taken.error()));
                return;
            }
            List<QueueEntry> entries = new java.util.ArrayList<>(taken.deliveries().size());
            for (ConsumerSink.Delivery d : taken.deliveries()) {
                entries.add(new QueueEntry(d.message(), d.id(), d.redelivered(), false, QueueEntry.NEVER));
            }
            answer.took(entries);
        }));
    }

    @Override
    public QueueEntry poll(boolean noAck) {
        return null; // only through the answering form above
    }

    @Override
    public void counts(CountsAnswer answer) {
        boolean touch = touched;
        touched = false;
        link.counts(home, vhost(), name(), touch, c -> execute(() -> {
            if (c.error() != null) {
                answer.failed(unavailable(c.error()));
            } else {
                answer.counted(c.messages(), c.consumers());
            }
        }));
    }

    @Override
    public void purge(PurgeAnswer answer) {
        if (type() == QueueType.STREAM) {
            answer.failed(StreamConsumeRules.refusePurge(name(), vhost())); // as on its home node
            return;
        }
        link.purge(home, vhost(), name(), (count, error) -> execute(() -> {
            if (error != null) {
                answer.failed(unavailable(error));
            } else {
                answer.purged(count);
            }
        }));
    }

    @Override
    public void requeue(List<QueueEntry> entries, boolean wereUnacked) {
        long[] ids = idsOf(entries, true);
        if (ids.length > 0) {
            link.requeue(home, ids, false);
        }
    }

    @Override
    public void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked) {
        long[] ids = idsOf(entries, true);
        if (ids.length > 0) {
            link.requeue(home, ids, true);
        }
    }

    @Override
    public int purge() {
        return 0; // only through the answering form above
    }

    @Override
    public int readyCount() {
        return 0;
    }

    @Override
    public void addConsumer(QueueConsumer consumer) {
        consumers.add(consumer);
    }

    @Override
    public void addConsumer(QueueConsumer consumer, ConsumeAnswer answer) {
        consumers.add(consumer, answer);
    }

    @Override
    public void activate(QueueConsumer consumer) {
        consumers.activate(consumer);
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        consumers.remove(consumer);
    }

    @Override
    public void drain() {
        consumers.drain();
    }

    @Override
    public int consumerCount() {
        return consumers.count();
    }

    @Override
    public boolean hasExclusiveConsumer() {
        return consumers.hasExclusive(); // the home node checks every other node's consumers
    }

    @Override
    public List<QueueConsumer> consumersOnLoop() {
        return consumers.list();
    }

    // ---- life: the home node's queue is the one that lives and dies ----

    // a declare touched the proxy just before asking its counts: the home node's queue is touched with them
    private boolean touched;

    @Override
    public void touch() {
        touched = true;
    }

    @Override
    public int delete() {
        deleted = true;
        consumers.deleted();
        return 0;
    }

    @Override
    public void close() {
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }
}
