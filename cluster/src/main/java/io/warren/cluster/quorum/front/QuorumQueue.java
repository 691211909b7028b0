package io.warren.cluster.quorum.front;

import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.FlowWaiter;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.QueueWork;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.raft.ShardReply;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.quorum.state.QueueCounts;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.codec.ReplyCodes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A quorum queue as one node sees it. Every node has one for every quorum queue (there is no home node): its
 * messages and consumers' progress live in its shard's replicated state, and everything done to it here is a
 * command sent through this node's {@link ShardClient} of that shard. A publish is confirmed once the shard's
 * leader applied it, which needs it written and fsynced on a majority of the shard's replicas. Counts come from
 * this node's replica when it has one.
 */
public final class QuorumQueue extends AmqpQueue {
    private static final org.slf4j.Logger LOG_RESEND = org.slf4j.LoggerFactory.getLogger(QuorumQueue.class);
    private final QuorumFront front;
    private final QueueKey key;
    private final int chosenShard;
    private final boolean rejectsPublishes;
    private final boolean singleActiveConsumer;
    private volatile Integer recordedShard;
    private final ShardAttachment attachment;
    // on the queue's loop: work held until the shard has the queue (its attach is applied)
    private boolean attached;
    private List<Runnable> untilAttached = new ArrayList<>();
    private volatile boolean deleted;
    private final QuorumConsumers consumers;

    QuorumQueue(QueueDeclaration declaration, QuorumFront front, int shard) {
        super(declaration);
        this.front = front;
        this.key = new QueueKey(declaration.vhost(), declaration.name());
        this.chosenShard = shard;
        QueueConfig config = QuorumQueueConfig.of(declaration.name(), declaration.vhost(), declaration.arguments());
        this.rejectsPublishes = config.overflow() == QueueConfig.Overflow.REJECT_PUBLISH;
        this.singleActiveConsumer = config.singleActiveConsumer();
        this.consumers = new QuorumConsumers(this, front);
        this.attachment = new ShardAttachment(this, front, new QuorumPolicySync(this, front));
    }

    /** The queue's shard: the one its definition row records, or the one chosen here before the row is applied. */
    public int shard() {
        Integer s = recordedShard;
        if (s == null) {
            s = front.recordedShard(vhost(), name());
            if (s == null) {
                return chosenShard;
            }
            recordedShard = s;
        }
        return s;
    }

    /** The queue's name in its shard. */
    public QueueKey key() {
        return key;
    }

    ShardClient client() {
        return front.client(shard());
    }

    /** Sends a command through the shard's client; once the node is closing, the answer is a failure. */
    void send(Command c, ShardClient.Answer answer) {
        ShardClient client;
        try {
            client = client();
        } catch (IllegalStateException closing) {
            answer.answered(null, null, new java.io.IOException("the node is closing"));
            return;
        }
        client.submit(c, answer);
    }

    /**
     * Sends a command that settles, returns or releases what a consumer or getter holds, again every second until
     * it is applied: lost, it would leave messages held by a holder that is gone here, which nothing gives back
     * while this node runs. Applying one twice changes nothing (the holder no longer holds them, or is gone).
     */
    void sendUntilApplied(Command c) {
        send(c, (effect, reply, failure) -> {
            if (failure != null && !deleted) {
                LOG_RESEND.debug("{} failed ({}); sending it again in 1 s", c, failure.toString());
                front.later(() -> sendUntilApplied(c), 1000);
            }
        });
    }

    @Override
    public QueueType type() {
        return QueueType.QUORUM;
    }

    // ---- attach and detach: the shard holds the queue from its declaration's index to its deletion's ----

    /** Makes sure the shard has the queue; work for it waits until then. */
    void start() {
        attachment.attach();
        front.track(this);
    }

    /** Copies the local replica's figures to the status the management API and metrics read. */
    void refreshStatus() {
        refreshStatus(localCounts());
    }

    /** As {@link #refreshStatus()}, with figures read already (null: none here). */
    void refreshStatus(QueueCounts c) {
        if (c != null) {
            execute(() -> status().counts((int) Math.min(Integer.MAX_VALUE, c.ready()), c.readyBytes(),
                    (int) Math.min(Integer.MAX_VALUE, c.unacked()), c.consumers()));
        }
    }

    /** The shard has the queue: what waited for it goes (on the queue's loop). */
    void attachedNow() {
        if (attached) {
            return;
        }
        attached = true;
        List<Runnable> held = untilAttached;
        untilAttached = null;
        if (held != null) {
            held.forEach(Runnable::run);
        }
    }

    // true when the task waits for the attach (on the queue's loop)
    private boolean heldUntilAttached(Runnable task) {
        if (attached || deleted) {
            return false;
        }
        untilAttached.add(task);
        return true;
    }

    // ---- publishing ----

    @Override
    public void take(QueueWork work) {
        if (heldUntilAttached(() -> take(work))) {
            return;
        }
        settle(work);
        List<Message> messages = work.messages();
        if (messages == null || messages.isEmpty()) {
            return;
        }
        if (deleted) {
            work.discard();
            return;
        }
        if (front.closed()) {
            work.fail(new java.io.IOException("the node is closing"));
            return;
        }
        ShardClient c = client();
        PublishConfirm confirm = work.barrierCount() == 0 ? null : new PublishConfirm(work, messages.size());
        for (int i = 0; i < messages.size(); i++) {
            c.enqueue(key, messages.get(i), confirm == null ? ShardClient.Answer.NONE : confirm.of(i));
        }
    }

    @Override
    public boolean offer(List<Message> messages) {
        if (deleted) {
            return false;
        }
        QueueWork work = new QueueWork(true);
        messages.forEach(m -> work.publish(m, null));
        take(work);
        return true;
    }

    /** Taken once the shard confirmed every message; otherwise the caller keeps them. */
    @Override
    public void offer(List<Message> messages, Consumer<Boolean> took) {
        if (deleted || messages.isEmpty()) {
            took.accept(!deleted);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(
                messages.size());
        java.util.concurrent.atomic.AtomicBoolean ok = new java.util.concurrent.atomic.AtomicBoolean(true);
        execute(() -> {
            if (front.closed()) {
                took.accept(false);
                return;
            }
            ShardClient c = client();
            for (Message m : messages) {
                c.enqueue(key, m.retain(), (effect, reply, failure) -> {
                    if (!(effect instanceof Effect.Enqueued) && !(effect instanceof Effect.EnqueueDuplicate)) {
                        ok.set(false);
                    }
                    if (left.decrementAndGet() == 0) {
                        if (ok.get()) {
                            messages.forEach(Message::release); // taken over
                        }
                        took.accept(ok.get());
                    }
                });
            }
        });
    }

    @Override
    public boolean rejectsPublishes() {
        return rejectsPublishes;
    }

    @Override
    public boolean inFlow() {
        return !deleted && !front.closed() && client().inFlow();
    }

    @Override
    public void awaitFlowEnd(FlowWaiter waiter) {
        if (front.closed()) {
            waiter.flowEnded(this);
            return;
        }
        client().whenFlowEnds(() -> execute(() -> waiter.flowEnded(this)));
    }

    /** Every message goes to the shard's log, persistent or not: a confirm waits for the majority's fsync. */
    @Override
    public boolean storesEveryMessage() {
        return true;
    }

    @Override
    public boolean keepsSettledEntries() {
        return true;
    }

    @Override
    public boolean deduplicates() {
        return false;
    }

    @Override
    public boolean singleActiveConsumer() {
        return singleActiveConsumer;
    }

    /**
     * Shown by the management API. The shard's config follows the policies of the definitions log instead
     * ({@link QuorumPolicySync}, through {@link #policiesChanged}), which come with the index they are current at.
     */
    @Override
    public void applyPolicy(String policyName, Map<String, Object> effectiveArguments) {
        execute(() -> {
            Object expiresBefore = effectiveArguments().get("x-expires");
            status().policy(policyName, effectiveArguments);
            expiresMayHaveChanged(expiresBefore);
        });
    }

    /**
     * A policy that changed the x-expires in force restarts the countdown (as RabbitMQ's classic queues do), and
     * the Touch's entry makes the shard leader look at the new setting at once, even in an idle shard.
     */
    private void expiresMayHaveChanged(Object before) {
        if (!java.util.Objects.equals(before, effectiveArguments().get("x-expires"))) {
            touch();
        }
    }

    /** A policy of the queue's vhost changed in the definitions log (on the front's timer). */
    void policiesChanged() {
        attachment.policiesChanged();
    }

    // ---- getting, settling, purging ----

    private AmqpException unavailable(Throwable why) {
        return AmqpException.channel(ReplyCodes.NOT_FOUND, "quorum queue '%s' in vhost '%s' is not available "
                + "(shard %d has no majority?): %s", name(), vhost(), shard(), why.getMessage());
    }

    @Override
    public void poll(boolean noAck, GetAnswer answer) {
        if (heldUntilAttached(() -> poll(noAck, answer))) {
            return;
        }
        if (deleted) {
            answer.got(null, 0);
            return;
        }
        send(new Command.Dequeue(key, front.getter(), noAck), (effect, reply, failure) ->
                execute(() -> got(noAck, effect, reply, failure, answer)));
    }

    private void got(boolean noAck, Effect effect, ShardReply reply, Throwable failure, GetAnswer answer) {
        if (failure != null) {
            answer.failed(unavailable(failure));
            return;
        }
        if (!(effect instanceof Effect.Dequeued d)) {
            answer.got(null, 0);
            return;
        }
        ByteBuffer body = reply.dequeuedBody(d.msgId());
        if (body == null) {
            // answered by a replica that was not the leader: it goes back, and the getter tries again
            if (!noAck) {
                sendUntilApplied(new Command.Return(key, front.getter(), List.of(d.msgId()), false));
            }
            answer.got(null, 0);
            return;
        }
        if (!noAck) {
            consumers.got(d.msgId());
        }
        Message m = MessageFacts.withDeliveryCount(QuorumMessageFormat.decode(body), d.deliveryCount());
        answer.got(new QueueEntry(m, d.msgId(), d.redelivered(), false, QueueEntry.NEVER),
                (int) Math.min(Integer.MAX_VALUE, d.remaining()));
    }

    @Override
    public QueueEntry poll(boolean noAck) {
        return null; // only through the answering form
    }

    private void settle(QueueWork work) {
        List<QueueEntry> settled = work.settledEntries();
        if (settled != null && !settled.isEmpty()) {
            submit(ids(settled, false), Command.Settle::new);
        }
        List<QueueEntry> rejected = work.takeRejected();
        if (rejected != null && !rejected.isEmpty()) {
            submit(ids(rejected, true), Command.Discard::new);
        }
    }

    /** A command of a holder's (a consumer's, or this node's getter's) msgIds. */
    private interface HolderCommand {
        Command of(QueueKey queue, io.warren.cluster.quorum.state.ConsumerKey holder, List<Long> msgIds);
    }

    // one command per holder of these msgIds
    private void submit(List<Long> ids, HolderCommand command) {
        if (!ids.isEmpty() && !deleted) {
            consumers.perHolder(ids, (holder, mine) -> command.of(key, holder, mine),
                    this::sendUntilApplied);
        }
    }

    private static List<Long> ids(List<QueueEntry> entries, boolean release) {
        List<Long> out = new ArrayList<>(entries.size());
        for (QueueEntry e : entries) {
            if (release) {
                e.releaseMessage();
            }
            if (e.sequence() != 0) {
                out.add(e.sequence());
            }
        }
        return out;
    }

    @Override
    public void requeue(List<QueueEntry> entries, boolean wereUnacked) {
        consumers.stopCancelled();
        submit(ids(entries, true), (q, holder, ids) -> new Command.Return(q, holder, ids, true));
    }

    @Override
    public void requeueUndelivered(List<QueueEntry> entries, boolean wereUnacked) {
        submit(ids(entries, true), (q, holder, ids) -> new Command.Return(q, holder, ids, false));
    }

    @Override
    public void purge(PurgeAnswer answer) {
        if (heldUntilAttached(() -> purge(answer))) {
            return;
        }
        send(new Command.Purge(key), (effect, reply, failure) -> execute(() -> {
            if (failure != null) {
                answer.failed(unavailable(failure));
            } else {
                answer.purged(effect instanceof Effect.Purged p ? (int) Math.min(Integer.MAX_VALUE, p.count()) : 0);
            }
        }));
    }

    @Override
    public int purge() {
        return 0; // only through the answering form
    }

    /** This node's replica of the queue's shard, or null when it has none. */
    ShardStateMachine localReplica() {
        return front.localReplica(shard());
    }

    /** The queue's counts in this node's replica (applied, so at most a little behind the leader), or null. */
    public QueueCounts localCounts() {
        ShardStateMachine local = localReplica();
        return local == null ? null : local.readState(s -> s.counts(key));
    }

    @Override
    public void counts(CountsAnswer answer) {
        QueueCounts c = localCounts();
        if (c != null) {
            status().counts((int) Math.min(Integer.MAX_VALUE, c.ready()), c.readyBytes(),
                    (int) Math.min(Integer.MAX_VALUE, c.unacked()), c.consumers());
        }
        answer.counted(c == null ? 0 : (int) Math.min(Integer.MAX_VALUE, c.ready()), c == null ? 0 : c.consumers());
    }

    @Override
    public int readyCount() {
        QueueCounts c = localCounts();
        return c == null ? 0 : (int) Math.min(Integer.MAX_VALUE, c.ready());
    }

    // ---- consumers: delivered by the shard's leader, wherever it is ----

    @Override
    public void addConsumer(QueueConsumer consumer) {
        addConsumer(consumer, new ConsumeAnswer() {
            @Override
            public void added() {
            }

            @Override
            public void failed(AmqpException error) {
                consumer.target().cancelledByServer(consumer);
            }
        });
    }

    /** Answered once the shard checked the consumer out (or refused it: exclusive use). */
    @Override
    public void addConsumer(QueueConsumer consumer, ConsumeAnswer answer) {
        if (heldUntilAttached(() -> addConsumer(consumer, answer))) {
            return;
        }
        if (deleted) {
            answer.failed(AmqpException.channel(ReplyCodes.NOT_FOUND, "no queue '%s' in vhost '%s'", name(),
                    vhost()));
            return;
        }
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
        return consumers.hasExclusive(); // the shard checks every other node's
    }

    @Override
    public List<QueueConsumer> consumersOnLoop() {
        return consumers.list();
    }

    // ---- life ----

    /**
     * A redeclaration or passive declaration here: a use (x-expires), which the shard dates with its entry's leader
     * time so that the leader, wherever it is, counts from it. Consumes and gets count through their own commands.
     */
    @Override
    public void touch() {
        if (!deleted) {
            send(new Command.Touch(key), ShardClient.Answer.NONE);
        }
    }

    /**
     * Deleted through the definitions log: the shard drops the queue at the deletion's index. Returns its ready
     * messages as this node's replica counts them (or last counted them, every 5 s, when it has dropped it).
     */
    @Override
    public int delete() {
        if (deleted) {
            return 0;
        }
        QueueCounts counts = localCounts();
        deleted = true;
        front.untrack(this);
        consumers.deleted();
        List<Runnable> held = untilAttached;
        untilAttached = null;
        if (held != null) {
            held.forEach(Runnable::run); // each finds the queue deleted
        }
        attachment.detach();
        // null: this node's replica already applied the shard's detach (another node's definitions log got there
        // first), so the last figures refreshed from it answer
        return counts == null ? readyCountSnapshot() : (int) Math.min(Integer.MAX_VALUE, counts.ready());
    }

    @Override
    public void close() {
        front.untrack(this);
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }
}
