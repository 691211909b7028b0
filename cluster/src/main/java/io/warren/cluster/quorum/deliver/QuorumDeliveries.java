package io.warren.cluster.quorum.deliver;

import io.netty.buffer.ByteBuf;
import io.warren.broker.message.Message;
import io.warren.broker.queue.DeadLetterer;
import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.state.Command;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.state.QueueKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in getting the messages of the shards it leads to their consumers, wherever they are: one per node,
 * handing out each shard's {@link ShardEffects} ({@link #forShard}). A consumer on this node gets its deliveries
 * straight from the shard's apply, through {@link QuorumEndpoints}; one on another node through the cluster link
 * ({@link DeliveryFrames}, read there by {@link DeliveriesInbound}), one write and flush per node per applied entry.
 */
public final class QuorumDeliveries {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumDeliveries.class);

    /** Sends ready-made link frames to another node in one write, dropping them when it cannot be reached. */
    public interface FrameSender {
        void send(String node, ByteBuf frames);
    }

    /** Publishes a message that died in a queue (at most once) to that queue's dead-letter exchange, on the leader. */
    public interface DeadLetters {
        /** Takes over the message's reference. */
        void deadLetter(QueueKey queue, Message message, DeathReason reason);

        /**
         * An at-least-once dead letter: takes over the message's reference; done hears, once, whether every target
         * took it ({@code DeadLetterer.deadLetterConfirmed}). Without a broker nothing routes it: it stays owed.
         */
        default void deadLetterConfirmed(QueueKey queue, Message message, DeathReason reason,
                                         Consumer<DeadLetterer.Confirmed> done) {
            message.release();
            done.accept(DeadLetterer.Confirmed.NO_ROUTE);
        }

        /** Drops them, saying so once: a node that cannot route them (no broker, as in shard-only tests). */
        DeadLetters DROP = new DeadLetters() {
            private volatile boolean said;

            @Override
            public void deadLetter(QueueKey queue, Message message, DeathReason reason) {
                message.release();
                if (!said) {
                    said = true;
                    LOG.warn("a dead letter of {} was dropped: this node routes no quorum queue dead letters", queue);
                }
            }
        };
    }

    /** Submits a command to a shard (through this node's client of it); done hears null once applied, else why not. */
    public interface Submitter {
        void submit(RaftGroupId group, Command command, Consumer<Throwable> done);

        Submitter NONE = (group, command, done) -> done.accept(new IllegalStateException("no shard client here"));
    }

    private final String node;
    private volatile Submitter submitter = Submitter.NONE;
    private volatile ScheduledThreadPoolExecutor retries;
    private final QuorumEndpoints endpoints;
    private final FrameSender sender;
    private volatile DeadLetters deadLetters = DeadLetters.DROP;
    private final Map<RaftGroupId, ShardDeliveries> shards = new ConcurrentHashMap<>();
    // resends after a link to a node reopened: they read bodies and wait for the shards' applies, so not on the link
    private final ThreadPoolExecutor resends = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "warren-quorum-resend");
                t.setDaemon(true);
                return t;
            });
    private final LongAdder local = new LongAdder();
    private final LongAdder remote = new LongAdder();
    private final LongAdder writes = new LongAdder();

    /** node: this node's name (a consumer key naming it is local); sender: the link to the others. */
    public QuorumDeliveries(String node, QuorumEndpoints endpoints, FrameSender sender) {
        this.node = node;
        this.endpoints = endpoints;
        this.sender = sender;
    }

    /** The effects of this node's replica of a shard: for {@code ShardStateMachine.registry}. */
    public ShardEffects forShard(RaftGroupId group) {
        ShardDeliveries s = new ShardDeliveries(group, this);
        shards.put(group, s);
        return s;
    }

    /**
     * This node's link to that node opened again: what was sent while it was down is lost, so each shard this node
     * leads sends that node's consumers what they hold, as after a leader change. Returns at once.
     */
    public void linkOpened(String to) {
        if (to.equals(node)) {
            return;
        }
        resends.execute(() -> shards.values().forEach(s -> {
            try {
                s.resendTo(to);
            } catch (RuntimeException e) {
                LOG.warn("resending to node {} after its link reopened failed: {}", to, e.toString());
            }
        }));
    }

    /** Where at-most-once dead letters of the shards this node leads go (the broker's exchanges, once it runs). */
    public void useDeadLetters(DeadLetters letters) {
        this.deadLetters = letters;
    }

    /** How the shards this node leads settle their at-least-once dead letters (the node's shard clients). */
    public void useSubmitter(Submitter s) {
        this.submitter = s;
    }

    Submitter submitter() {
        return submitter;
    }

    /** The timer of at-least-once dead letters' retries: one daemon thread, made on first use, gone when idle. */
    ScheduledThreadPoolExecutor retries() {
        ScheduledThreadPoolExecutor r = retries;
        if (r == null) {
            synchronized (this) {
                r = retries;
                if (r == null) {
                    r = new ScheduledThreadPoolExecutor(1, t -> {
                        Thread th = new Thread(t, "warren-quorum-dlx-" + node);
                        th.setDaemon(true);
                        return th;
                    });
                    r.setKeepAliveTime(30, TimeUnit.SECONDS);
                    r.allowCoreThreadTimeOut(true);
                    r.setRemoveOnCancelPolicy(true);
                    retries = r;
                }
            }
        }
        return r;
    }

    /** What this node has delivered as shard leader: to its own consumers, to other nodes', and link writes. */
    public record Counts(long local, long remote, long writes) {
    }

    public Counts counts() {
        return new Counts(local.sum(), remote.sum(), writes.sum());
    }

    String node() {
        return node;
    }

    QuorumEndpoints endpoints() {
        return endpoints;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    void sent(String to, ByteBuf frames, int messages) {
        remote.add(messages);
        writes.increment();
        sender.send(to, frames);
    }

    void deliveredHere(int messages) {
        local.add(messages);
    }
}
