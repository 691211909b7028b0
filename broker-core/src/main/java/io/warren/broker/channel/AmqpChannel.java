package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;
import static io.warren.codec.ReplyCodes.CHANNEL_ERROR;
import static io.warren.codec.ReplyCodes.COMMAND_INVALID;
import static io.warren.codec.ReplyCodes.NOT_ALLOWED;
import static io.warren.codec.ReplyCodes.NOT_FOUND;
import static io.warren.codec.ReplyCodes.NOT_IMPLEMENTED;
import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.netty.util.ReferenceCountUtil;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.error.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.ConsumeChecks;
import io.warren.broker.queue.Credit;
import io.warren.broker.queue.PublishBarrier;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.stats.ChannelCounters;
import io.warren.broker.vhost.ReplyToRegistry;
import io.warren.codec.Method;
import io.warren.codec.frame.ContentBodyFrame;
import io.warren.codec.frame.ContentHeaderFrame;
import io.warren.codec.frame.Frame;
import io.warren.codec.frame.MethodFrame;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Channel;
import io.warren.codec.methods.Confirm;
import io.warren.codec.methods.Exchange;
import io.warren.codec.methods.Queue;
import io.warren.codec.methods.Tx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP channel: takes its frames in order, runs its methods and keeps its state (consumers, unacked
 * deliveries, confirms, transaction). Runs on its connection's thread. When a method needs an answer from a
 * queue, the channel pauses (later frames wait) until the answer is back, so its methods keep their order.
 */
public final class AmqpChannel {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpChannel.class);

    private enum State { OPEN, CLOSING, CLOSED }

    private final AmqpConnection connection;
    private final int number;
    private final PublishAssembler assembler;
    private final UnackedDeliveries unacked = new UnackedDeliveries();
    private final ChannelConsumers consumers;
    private final ConfirmTracker confirms;
    private final Publisher publisher;
    private final TopologyMethods topology;
    private final ChannelPrefetch prefetch;
    private final Access access;
    private final ChannelCounters counters;
    private final AckTimeout ackTimeout;
    private final ArrayDeque<Frame> deferred = new ArrayDeque<>();
    private State state = State.OPEN;
    private TransactionBuffer tx;
    private PublishBarrier commitBarrier;
    private PublishBarrier committing;
    private boolean suspended;

    public AmqpChannel(AmqpConnection connection, int number) {
        this.connection = connection;
        this.number = number;
        this.counters = connection.broker().messageTotals().newChannel();
        this.confirms = new ConfirmTracker(counters);
        this.assembler = new PublishAssembler(connection.broker().config().maxMessageSize());
        Access access = new Access(connection.permission(), connection.user().name(), connection.vhost().name());
        Credit window = new Credit(0);
        this.consumers = new ChannelConsumers(this, connection, unacked, window);
        this.prefetch = new ChannelPrefetch(window, consumers, unacked);
        this.publisher = new Publisher(this, connection, access, consumers, confirms);
        this.topology = new TopologyMethods(this, connection, access);
        this.access = access;
        this.ackTimeout = new AckTimeout(connection.broker().config().consumerTimeout());
    }

    /** This channel's message totals (written on the connection's thread, readable anywhere). */
    public ChannelCounters counters() {
        return counters;
    }

    /** A copy of the channel's consumers; on the connection's thread only. */
    public List<QueueConsumer> consumersOnLoop() {
        return new ArrayList<>(consumers.all());
    }

    public int number() {
        return number;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public int consumerCount() {
        return consumers.count();
    }

    public int unackedCount() {
        return unacked.size();
    }

    public int prefetchCount() {
        return prefetch.consumerPrefetch();
    }

    public boolean confirmMode() {
        return confirms.enabled();
    }

    public boolean transactional() {
        return tx != null;
    }

    void send(Method m) {
        if (state == State.OPEN) {
            connection.output().method(number, m);
        }
    }

    // ---- frames ----

    /** Takes a frame over (releasing it when done). */
    public void handle(Frame frame) {
        if (state != State.OPEN) {
            handleWhileClosing(frame);
            return;
        }
        if (suspended) {
            deferred.add(frame);
            return;
        }
        process(frame);
    }

    private void process(Frame frame) {
        try {
            // the codec refuses heartbeats on a channel other than 0, so only these three come here
            if (frame instanceof MethodFrame mf) {
                assembler.checkMethodAllowed();
                dispatch(mf.method());
                return;
            }
            boolean complete = frame instanceof ContentHeaderFrame h ? assembler.header(h)
                    : assembler.body((ContentBodyFrame) frame);
            if (complete) {
                publishAssembled();
            }
        } catch (AmqpException e) {
            if (e.isConnectionLevel()) {
                // handled here, not thrown: the frame is ours now and the connection would release it again
                connection.closeWithError(e);
            } else {
                closeWithError(e);
            }
        }
    }

    private void handleWhileClosing(Frame frame) {
        if (frame instanceof MethodFrame mf) {
            if (mf.method() instanceof Channel.CloseOk) {
                finishClose();
            } else if (mf.method() instanceof Channel.Close) {
                connection.output().method(number, new Channel.CloseOk());
                finishClose();
            }
        }
        ReferenceCountUtil.release(frame);
    }

    private void dispatch(Method m) {
        try {
            if (m instanceof Basic.Publish p) {
                assembler.start(p);
            } else if (m instanceof Basic.Ack a) {
                settle(true, a.deliveryTag(), a.multiple(), false);
            } else if (m instanceof Basic.Nack n) {
                settle(false, n.deliveryTag(), n.multiple(), n.requeue());
            } else if (m instanceof Basic.Reject r) {
                settle(false, r.deliveryTag(), false, r.requeue());
            } else if (m.classId() == Basic.Consume.CLASS_ID) {
                basic(m);
            } else if (m.classId() == Queue.Declare.CLASS_ID) {
                queue(m);
            } else if (m.classId() == Exchange.Declare.CLASS_ID) {
                exchange(m);
            } else if (m.classId() == Channel.Open.CLASS_ID) {
                channel(m);
            } else if (m instanceof Confirm.Select s) {
                if (tx != null) {
                    throw AmqpException.channel(PRECONDITION_FAILED, "cannot switch from tx to confirm mode");
                }
                confirms.enable();
                if (!s.nowait()) {
                    send(new Confirm.SelectOk());
                }
            } else if (m.classId() == Tx.Select.CLASS_ID) {
                tx(m);
            } else {
                throw AmqpException.connection(COMMAND_INVALID, "method '%s' is not allowed on a channel", m.name());
            }
        } catch (AmqpException e) {
            throw e.causedBy(m.classId(), m.methodId());
        }
    }

    private void channel(Method m) {
        if (m instanceof Channel.Close) {
            release();
            connection.output().method(number, new Channel.CloseOk());
            finishClose();
        } else if (m instanceof Channel.CloseOk) {
            return;
        } else if (m instanceof Channel.Flow f) {
            if (!f.active()) {
                throw AmqpException.connection(NOT_IMPLEMENTED, "active=false");
            }
            send(new Channel.FlowOk(true));
        } else if (m instanceof Channel.Open) {
            throw AmqpException.connection(CHANNEL_ERROR, "second 'channel.open' seen");
        } else {
            throw AmqpException.connection(COMMAND_INVALID, "unexpected '%s'", m.name());
        }
    }

    private void exchange(Method m) {
        if (m instanceof Exchange.Declare d) {
            topology.declare(d);
        } else if (m instanceof Exchange.Delete d) {
            topology.delete(d);
        } else if (m instanceof Exchange.Bind b) {
            topology.bind(b);
        } else if (m instanceof Exchange.Unbind u) {
            topology.unbind(u);
        } else {
            throw AmqpException.connection(COMMAND_INVALID, "unexpected '%s'", m.name());
        }
    }

    private void queue(Method m) {
        if (m instanceof Queue.Declare d) {
            topology.declare(d);
        } else if (m instanceof Queue.Bind b) {
            topology.bind(b);
        } else if (m instanceof Queue.Unbind u) {
            topology.unbind(u);
        } else if (m instanceof Queue.Purge p) {
            topology.purge(p);
        } else if (m instanceof Queue.Delete d) {
            topology.delete(d);
        } else {
            throw AmqpException.connection(COMMAND_INVALID, "unexpected '%s'", m.name());
        }
    }

    private void basic(Method m) {
        if (m instanceof Basic.Consume c) {
            consume(c);
        } else if (m instanceof Basic.Cancel c) {
            cancel(c);
        } else if (m instanceof Basic.Get g) {
            get(g);
        } else if (m instanceof Basic.Qos q) {
            qos(q);
        } else if (m instanceof Basic.Recover r) {
            recover(r.requeue());
            send(new Basic.RecoverOk());
        } else if (m instanceof Basic.RecoverAsync r) {
            recover(r.requeue());
        } else {
            throw AmqpException.connection(COMMAND_INVALID, "unexpected '%s'", m.name());
        }
    }

    private void tx(Method m) {
        if (m instanceof Tx.Select) {
            if (confirms.enabled()) {
                throw AmqpException.channel(PRECONDITION_FAILED, "cannot switch from confirm to tx mode");
            }
            if (tx == null) {
                tx = new TransactionBuffer();
            }
            send(new Tx.SelectOk());
        } else if (m instanceof Tx.Commit) {
            requireTx();
            // commit-ok only once the committed persistent messages are on disk; later frames wait for it
            PublishBarrier barrier = new PublishBarrier(b -> connection.executor().execute(
                    () -> resume(this::commitDone)));
            commitBarrier = barrier;
            try {
                for (TransactionBuffer.Action a : tx.take()) {
                    if (a instanceof TransactionBuffer.Publish p) {
                        publisher.routeCommitted(p.message(), p.mandatory());
                    } else if (a instanceof TransactionBuffer.Settle s) {
                        applySettle(s.ack(), s.requeue(), s.deliveries());
                    }
                }
            } finally {
                commitBarrier = null;
            }
            connection.flushQueueWork();
            suspended = true;
            committing = barrier;
            barrier.release(1);
        } else if (m instanceof Tx.Rollback) {
            requireTx();
            unacked.restore(tx.rollback());
            send(new Tx.RollbackOk());
        } else {
            throw AmqpException.connection(COMMAND_INVALID, "unexpected '%s'", m.name());
        }
    }

    private void commitDone() {
        PublishBarrier b = committing;
        committing = null;
        if (b.failure() != null) {
            throw AmqpException.connection(io.warren.codec.ReplyCodes.INTERNAL_ERROR,
                    "cannot commit: the message store failed to write (%s)", b.failure().getMessage());
        }
        send(new Tx.CommitOk());
    }

    private void requireTx() {
        if (tx == null) {
            throw AmqpException.channel(PRECONDITION_FAILED, "channel is not transactional");
        }
    }

    // ---- publishing ----

    private void publishAssembled() {
        Basic.Publish p = assembler.method();
        try {
            publisher.publish(p, assembler.takeProperties(), assembler.takeBody(), tx);
        } catch (AmqpException e) {
            // checked once the content is in, yet it is basic.publish that failed, as RabbitMQ reports it
            throw e.causedBy(p.classId(), p.methodId());
        }
    }

    /** End of a read batch: the confirms owed go out. */
    public void endOfBatch() {
        prefetch.endOfBatch();
        if (state == State.OPEN) {
            confirms.endOfBatch(this::send);
        }
    }

    /** The barrier a persistent publish to a durable queue joins, or null when confirms are off. */
    PublishBarrier confirmBarrier() {
        return commitBarrier != null ? commitBarrier : confirms.barrier(this::barrierComplete);
    }

    // on the thread of the last fsync: the confirms go out on the channel's own thread
    private void barrierComplete(PublishBarrier b) {
        connection.executor().execute(() -> {
            if (state == State.OPEN) {
                confirms.sendReady(this::send);
                connection.output().flush();
            }
        });
    }

    // ---- consuming ----

    private void consume(Basic.Consume c) {
        String tag = c.consumerTag().isEmpty() ? "amq.ctag-" + TopologyMethods.randomName() : c.consumerTag();
        if (consumers.has(tag)) {
            throw AmqpException.connection(NOT_ALLOWED, "attempt to reuse consumer tag '%s'", tag);
        }
        if (ReplyToRegistry.PSEUDO_QUEUE.equals(c.queue())) {
            if (!c.noAck()) {
                throw AmqpException.channel(PRECONDITION_FAILED, "reply consumer cannot acknowledge");
            }
            if (consumers.consumesReplies()) {
                throw AmqpException.channel(PRECONDITION_FAILED, "reply consumer already set");
            }
            consumers.startReplies(tag);
            if (!c.noWait()) {
                send(new Basic.ConsumeOk(tag));
            }
            return;
        }
        AmqpQueue q = topology.queueNamed(c.queue());
        access.read("queue", q.name());
        q.checkConsume(tag, prefetch.consumerPrefetch(), prefetch.window().limit(), c.noAck(), c.arguments());
        QueueConsumer consumer = new QueueConsumer(tag, q, consumers, c.noAck(), c.exclusive(), c.arguments(),
                prefetch.consumerPrefetch(), prefetch.window());
        consumers.add(consumer);
        boolean nowait = c.noWait();
        callQueueLater(q, (queue, done) -> {
            AmqpException refused = ConsumeChecks.refusal(queue, consumer);
            if (refused != null) {
                throw refused;
            }
            // a queue on another node answers once its home node has checked the consumer against all nodes'
            queue.addConsumer(consumer, new AmqpQueue.ConsumeAnswer() {
                @Override
                public void added() {
                    done.accept(() -> {
                        if (!nowait) {
                            send(new Basic.ConsumeOk(tag));
                        }
                        // only now: a delivery that overtook consume-ok would be unsolicited to the client
                        queue.execute(() -> queue.activate(consumer));
                    });
                }

                @Override
                public void failed(AmqpException error) {
                    done.accept(() -> {
                        consumers.remove(tag);
                        throw error;
                    });
                }
            });
        }, () -> consumers.remove(tag));
    }

    private void cancel(Basic.Cancel c) {
        String tag = c.consumerTag();
        boolean noWait = c.noWait();
        QueueConsumer consumer = consumers.stopReplies(tag) ? null : consumers.remove(tag);
        if (consumer == null) {
            if (!noWait) {
                send(new Basic.CancelOk(tag));
            }
            return;
        }
        // cancel-ok only once the queue has let go: an auto-delete queue is gone by the time the client hears
        callQueue(consumer.queue(), queue -> {
            queue.removeConsumer(consumer);
            return noWait ? null : () -> send(new Basic.CancelOk(tag));
        });
    }

    private void get(Basic.Get g) {
        AmqpQueue q = topology.queueNamed(g.queue());
        access.read("queue", q.name());
        q.checkGet();
        boolean noAck = g.noAck();
        callQueueLater(q, (queue, done) -> queue.poll(noAck, new AmqpQueue.GetAnswer() {
            @Override
            public void got(QueueEntry e, int remaining) {
                done.accept(() -> sendGot(queue, noAck, e, remaining));
            }

            @Override
            public void failed(AmqpException error) {
                done.accept(() -> {
                    throw error;
                });
            }
        }), null);
    }

    private void sendGot(AmqpQueue queue, boolean noAck, QueueEntry e, int remaining) {
        if (e == null) {
            counters.add(ChannelCounters.GET_EMPTY, 1);
            send(new Basic.GetEmpty());
            return;
        }
        if (state != State.OPEN) {
            queue.execute(() -> queue.requeueUndelivered(List.of(e), !noAck));
            return;
        }
        Message m = e.message();
        long tag = unacked.nextTag();
        counters.add(noAck ? ChannelCounters.GOT_NO_ACK : ChannelCounters.GOT, 1);
        connection.output().content(number,
                new Basic.GetOk(tag, e.redelivered(), m.exchange(), m.routingKey(), remaining), m);
        if (noAck) {
            m.release();
        } else {
            unacked.add(new UnackedDeliveries.Delivery(tag, e, queue, null));
            e.wroteDelivery();
        }
    }

    private void qos(Basic.Qos q) {
        prefetch.qos(q);
        send(new Basic.QosOk());
        consumers.wakeStarved();
    }

    private void recover(boolean requeue) {
        if (!requeue) {
            throw AmqpException.connection(NOT_IMPLEMENTED, "requeue=false");
        }
        requeueAll();
    }

    /**
     * The periodic check of the delivery acknowledgement timeout (see AckTimeout): closes the channel when its
     * oldest unacknowledged delivery is overdue. Skipped while a method waits for a queue's answer.
     */
    public void checkAckTimeout(long nowNanos) {
        if (state == State.OPEN && !suspended) {
            AmqpException overdue = ackTimeout.check(unacked, nowNanos, number);
            if (overdue != null) {
                closeWithError(overdue);
            }
        }
    }

    public void wakeStarvedConsumers() {
        consumers.wakeStarved();
    }

    // ---- acks ----

    private void settle(boolean ack, long tag, boolean multiple, boolean requeue) {
        if (tx != null) {
            // taken now, so an unknown or repeated tag fails when sent, as in RabbitMQ, not at commit
            tx.add(new TransactionBuffer.Settle(ack, requeue, unacked.take(tag, multiple)));
            return;
        }
        applySettle(ack, requeue, unacked.take(tag, multiple));
    }

    private void applySettle(boolean ack, boolean requeue, List<UnackedDeliveries.Delivery> settled) {
        if (!ack && requeue) {
            requeue(settled);
            return;
        }
        // acked: finished; rejected without requeue: the queue dead-letters or drops it
        counters.add(ack ? ChannelCounters.ACKED : ChannelCounters.REJECTED, settled.size());
        for (int i = 0, n = settled.size(); i < n; i++) {
            UnackedDeliveries.Delivery d = settled.get(i);
            if (ack) {
                d.entry().releaseMessage();
                connection.settleWith(d.queue(), d.entry());
            } else {
                connection.rejectWith(d.queue(), d.entry());
            }
            prefetch.settled(d);
        }
    }

    private void requeue(List<UnackedDeliveries.Delivery> deliveries) {
        Map<AmqpQueue, List<UnackedDeliveries.Delivery>> byQueue = new IdentityHashMap<>();
        for (UnackedDeliveries.Delivery d : deliveries) {
            byQueue.computeIfAbsent(d.queue(), k -> new ArrayList<>()).add(d);
            prefetch.freeWindowSlot(d);
        }
        connection.flushQueueWork();
        byQueue.forEach((q, settled) -> q.execute(() -> putBack(q, settled)));
    }

    // queue thread: the messages go back in place before their consumers' credit does, or the queue could spend that
    // credit on a message behind them (a publish it takes in between) and break the queue's order
    private static void putBack(AmqpQueue q, List<UnackedDeliveries.Delivery> settled) {
        List<QueueEntry> entries = new ArrayList<>(settled.size());
        for (UnackedDeliveries.Delivery d : settled) {
            entries.add(d.entry());
        }
        q.requeue(entries, true);
        for (UnackedDeliveries.Delivery d : settled) {
            ChannelPrefetch.releaseConsumerCredit(d);
        }
        q.drain();
    }

    private void requeueAll() {
        requeue(unacked.takeAll());
    }

    // ---- talking to queues ----

    /**
     * Runs work on a queue's thread and then its reply on this channel's; the channel takes no other frame
     * meanwhile. Work may throw an AmqpException, which closes the channel (after onFailure, if given).
     */
    void callQueue(AmqpQueue q, Function<AmqpQueue, Runnable> work, Runnable onFailure) {
        callQueueLater(q, (queue, done) -> done.accept(work.apply(queue)), onFailure);
    }

    /**
     * As {@link #callQueue}, for work that answers later (a queue on another node): it hands its reply to done, once,
     * from any thread; the channel takes no other frame until then.
     */
    void callQueueLater(AmqpQueue q, BiConsumer<AmqpQueue, Consumer<Runnable>> work, Runnable onFailure) {
        connection.flushQueueWork();
        call(q::execute, done -> work.accept(q, done), onFailure, q, null);
    }

    /**
     * Runs work on another thread (a definition change waiting for the cluster) and then its reply on this
     * channel's, as {@link #callQueue}: the channel takes no other frame meanwhile, other channels and connections
     * on this event loop go on. An AmqpException the work throws is reported as caused by the method.
     */
    void callOffLoop(Executor where, Method method, Supplier<Runnable> work) {
        connection.flushQueueWork();
        call(where, done -> done.accept(work.get()), null, "a definition change", method);
    }

    private void call(Executor where, Consumer<Consumer<Runnable>> work, Runnable onFailure, Object onBehalfOf,
                      Method method) {
        suspended = true;
        Consumer<Runnable> done = r -> connection.executor().execute(() -> resume(r));
        where.execute(() -> {
            try {
                work.accept(done);
            } catch (AmqpException thrown) {
                AmqpException e = method == null ? thrown : thrown.causedBy(method.classId(), method.methodId());
                done.accept(() -> {
                    if (onFailure != null) {
                        onFailure.run();
                    }
                    if (state == State.OPEN) {
                        if (e.isConnectionLevel()) {
                            connection.closeWithError(e);
                        } else {
                            closeWithError(e);
                        }
                    }
                });
            } catch (RuntimeException e) {
                LOG.error("internal error in {} on behalf of channel {}", onBehalfOf, number, e);
                done.accept(() -> {
                    if (onFailure != null) {
                        onFailure.run();
                    }
                    connection.closeWithError(AmqpException.connection(io.warren.codec.ReplyCodes.INTERNAL_ERROR,
                            "%s", e.toString()));
                });
            }
        });
    }

    void callQueue(AmqpQueue q, Function<AmqpQueue, Runnable> work) {
        callQueue(q, work, null);
    }

    private void resume(Runnable reply) {
        // before the reply: a reply that calls again (a queue after a definition change) suspends the channel anew
        suspended = false;
        try {
            if (reply != null) {
                reply.run();
            }
        } catch (AmqpException e) {
            if (e.isConnectionLevel()) {
                connection.closeWithError(e);
            } else {
                closeWithError(e);
            }
        } catch (RuntimeException e) {
            LOG.error("internal error completing a method on channel {}", number, e);
            connection.closeWithError(AmqpException.connection(io.warren.codec.ReplyCodes.INTERNAL_ERROR, "%s",
                    e.toString()));
        }
        Frame f;
        try {
            while (!suspended && state == State.OPEN && (f = deferred.poll()) != null) {
                process(f);
            }
        } catch (AmqpException e) {
            connection.closeWithError(e);
        }
        connection.endOfBatch();
    }

    // ---- closing ----

    /** Sends channel.close with the error; the channel ignores everything but close-ok from now on. */
    public void closeWithError(AmqpException e) {
        if (state != State.OPEN) {
            return;
        }
        LOG.info("closing channel {} of {}: {}", number, connection.name(), e.replyText());
        release();
        state = State.CLOSING;
        connection.output().method(number, new Channel.Close(e.replyCode(), e.replyText(), e.classId(),
                e.methodId()));
    }

    private void finishClose() {
        state = State.CLOSED;
        connection.channelClosed(this);
    }

    /** Gives back everything the channel holds: consumers cancelled, unacked messages requeued in order. */
    public void release() {
        if (state == State.CLOSED) {
            return;
        }
        assembler.discard();
        counters.retireInto(connection.broker().messageTotals());
        // the unacked messages go back before the queues hear of the cancellations, so that a single active
        // consumer taking over finds them in their places; meanwhile the queues skip these consumers
        consumers.all().forEach(QueueConsumer::cancel);
        if (tx != null) {
            unacked.restore(tx.rollback());
        }
        requeueAll();
        consumers.cancelAll();
        Frame f;
        while ((f = deferred.poll()) != null) {
            ReferenceCountUtil.release(f);
        }
        state = State.CLOSING;
    }
}
