package io.warren.cluster.quorum.deliver;

import io.netty.buffer.ByteBuf;
import io.warren.broker.message.Message;
import io.warren.broker.queue.DeathReason;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.state.QueueKey;
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

    private final String node;
    private final QuorumEndpoints endpoints;
    private final FrameSender sender;
    private volatile DeadLetters deadLetters = DeadLetters.DROP;
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
        return new ShardDeliveries(group, this);
    }

    /** Where at-most-once dead letters of the shards this node leads go (the broker's exchanges, once it runs). */
    public void useDeadLetters(DeadLetters letters) {
        this.deadLetters = letters;
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
