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
import io.warren.cluster.link.ClusterLink;
import io.warren.codec.LongString;
import io.warren.codec.ReplyCodes;
import java.io.IOException;
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
    private boolean deleted;

    RemoteQueue(QueueDeclaration declaration, String home, ClusterLink link) {
        super(declaration);
        this.home = home;
        this.link = link;
        Object overflow = declaration.arguments().get("x-overflow");
        this.rejectsPublishes = overflow != null && "reject-publish".equals(overflow.toString())
                || overflow instanceof LongString l && "reject-publish".equals(l.toString());
    }

    /** The node the queue lives on. */
    public String home() {
        return home;
    }

    @Override
    public QueueType type() {
        return QueueType.of(arguments());
    }

    // ---- publishing: forwarded ----

    @Override
    public void take(QueueWork work) {
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

    @Override
    public boolean offer(List<Message> messages) {
        if (deleted) {
            return false;
        }
        link.publish(home, vhost(), name(), messages, null);
        return true;
    }

    @Override
    public boolean rejectsPublishes() {
        return rejectsPublishes;
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
    public boolean deduplicates() {
        return false;
    }

    @Override
    public boolean singleActiveConsumer() {
        return false;
    }

    @Override
    public void applyPolicy(String policyName, Map<String, Object> effectiveArguments) {
        // the home node applies the policy to the queue itself
    }

    // ---- consuming and getting: not through another node yet ----

    private AmqpException notHere(String what) {
        return AmqpException.channel(ReplyCodes.PRECONDITION_FAILED, "%s queue '%s' in vhost '%s' through node other "
                + "than its home is not supported yet: the queue lives on node '%s'; connect to that node", what,
                name(), vhost(), home);
    }

    @Override
    public void checkConsume(String consumerTag, int consumerPrefetch, int globalPrefetch, boolean noAck,
                             Map<String, Object> consumerArguments) {
        throw notHere("consuming from");
    }

    @Override
    public void checkGet() {
        throw notHere("basic.get from");
    }

    @Override
    public QueueEntry poll(boolean noAck) {
        return null;
    }

    @Override
    public void requeue(List<QueueEntry> entries, boolean wereUnacked) {
        entries.forEach(QueueEntry::releaseMessage);
    }

    @Override
    public void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked) {
        entries.forEach(QueueEntry::releaseMessage);
    }

    @Override
    public int purge() {
        return 0;
    }

    @Override
    public int readyCount() {
        return 0;
    }

    @Override
    public void addConsumer(QueueConsumer consumer) {
        throw notHere("consuming from");
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
    }

    @Override
    public void drain() {
    }

    @Override
    public int consumerCount() {
        return 0;
    }

    @Override
    public boolean hasExclusiveConsumer() {
        return false;
    }

    @Override
    public List<QueueConsumer> consumersOnLoop() {
        return List.of();
    }

    // ---- life: the home node's queue is the one that lives and dies ----

    @Override
    public void touch() {
    }

    @Override
    public int delete() {
        deleted = true;
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
