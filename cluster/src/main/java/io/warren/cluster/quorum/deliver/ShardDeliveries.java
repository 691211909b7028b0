package io.warren.cluster.quorum.deliver;

import io.netty.buffer.ByteBufAllocator;
import io.warren.cluster.quorum.QuorumMessageFormat;
import io.warren.cluster.quorum.raft.ShardEffects;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.Effect;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.RaftGroupId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard replica's deliveries while it leads. Each applied entry's deliveries, cancellations and activity changes
 * go out in log order: to this node's consumers at once, to each other node as one batch of frames. A new leader
 * first sends every consumer what the state says it holds (the old leader may have died before sending it), marked
 * resent, and only then anything new, so a consumer sees what it held before what it is given next.
 */
final class ShardDeliveries implements ShardEffects {
    private static final Logger LOG = LoggerFactory.getLogger(ShardDeliveries.class);
    private final RaftGroupId group;
    private final QuorumDeliveries node;
    private volatile ShardStateMachine machine;
    /** Counts the leaderships ended; a resend is owed whenever it moved since the last one. */
    private final AtomicLong ended = new AtomicLong();
    /** Under the machine's lock: the value of {@link #ended} when what consumers held was last resent (-1: never). */
    private long resentAt = -1;
    private final AtLeastOnceDeadLetters owed;

    ShardDeliveries(RaftGroupId group, QuorumDeliveries node) {
        this.group = group;
        this.node = node;
        this.owed = new AtLeastOnceDeadLetters(group, node);
    }

    @Override
    public void attached(ShardStateMachine m) {
        this.machine = m;
        owed.attached(m);
    }

    /**
     * On the apply thread, under the machine's lock, only while it is the ready leader. It may run before
     * {@link #leaderReady} has (the machine turns deliveries on first): then it makes the resend itself.
     */
    @Override
    public void applied(long index, List<Effect> effects, Bodies bodies) {
        Outgoing out = new Outgoing();
        Set<Held> resent = Set.of();
        ShardStateMachine m = machine;
        if (m != null && resentAt != ended.get()) {
            resent = m.readState(s -> resendHeld(s, m, out));
        }
        if (m != null) {
            m.readState(s -> {
                owed.leading(s);
                return null;
            });
        }
        for (Effect f : effects) {
            if (f instanceof Effect.Deliver d) {
                if (resent.contains(new Held(d.consumer(), d.queue(), d.msgId()))) {
                    continue; // in the resend just made, with the same flags
                }
                ByteBuffer body = bodies.body(d.queue(), d.msgId());
                if (body == null) {
                    LOG.error("shard {}: no body for msgId {} of {} delivered to {}; not sent", group, d.msgId(),
                            d.queue(), d.consumer());
                    continue;
                }
                out.deliver(d, body, false);
            } else if (f instanceof Effect.ConsumerCancelled c) {
                out.cancelled(c.queue(), c.consumer(), c.why());
            } else if (f instanceof Effect.ConsumerActivity a) {
                out.activity(a.queue(), a.consumer(), a.active());
            } else if (f instanceof Effect.DeadLetter dl) {
                if (dl.atLeastOnce()) {
                    owed.died(dl.queue(), dl.msgId(), dl.reason(), bodies.body(dl.queue(), dl.msgId()));
                } else {
                    deadLetter(dl, bodies.body(dl.queue(), dl.msgId()));
                }
            }
        }
        out.send();
    }

    @Override
    public void leaderReady() {
        ShardStateMachine m = machine;
        if (m == null) {
            return;
        }
        m.readState(s -> {
            if (m.leaderReady() && resentAt != ended.get()) {
                Outgoing out = new Outgoing();
                resendHeld(s, m, out);
                out.send();
            }
            if (m.leaderReady()) {
                owed.leading(s);
            }
            return null;
        });
    }

    /** The link to that node reopened: its consumers get again what they hold, if this replica leads. */
    void resendTo(String to) {
        ShardStateMachine m = machine;
        if (m == null || !m.leaderReady()) {
            return;
        }
        m.readState(s -> {
            if (m.leaderReady()) {
                Outgoing out = new Outgoing();
                int n = resend(s, m, out, to).size();
                out.send();
                if (n > 0) {
                    LOG.info("shard {}: the link to node {} reopened; sent again the {} messages its consumers hold",
                            group, to, n);
                }
            }
            return null;
        });
    }

    @Override
    public void notLeader() {
        ended.incrementAndGet();
        owed.notLeader();
    }

    // under the machine's lock
    private Set<Held> resendHeld(ShardState s, ShardStateMachine m, Outgoing out) {
        long at = ended.get();
        Set<Held> sent = resend(s, m, out, null);
        resentAt = at;
        if (!sent.isEmpty()) {
            LOG.info("shard {}: leading now; sent again the {} messages its {} consumers hold", group, sent.size(),
                    sent.stream().map(Held::consumer).distinct().count());
        }
        return sent;
    }

    // under the machine's lock: what consumers (of one node, or all when null) hold, flagged resent
    private Set<Held> resend(ShardState s, ShardStateMachine m, Outgoing out, String onNode) {
        Set<Held> sent = new HashSet<>();
        for (QueueKey q : s.queueKeys()) {
            for (Effect.Deliver d : s.heldByConsumers(q)) {
                if (onNode != null && !onNode.equals(d.consumer().node())) {
                    continue;
                }
                ByteBuffer body;
                try {
                    body = m.bodies().read(q, d.msgId());
                } catch (IOException e) {
                    LOG.error("shard {}: cannot read msgId {} of {} to send again to {}: {}", group, d.msgId(), q,
                            d.consumer(), e.toString());
                    continue;
                }
                if (body == null) {
                    LOG.error("shard {}: no body for msgId {} of {} held by {}; not sent again", group, d.msgId(), q,
                            d.consumer());
                    continue;
                }
                out.deliver(d, body, true);
                sent.add(new Held(d.consumer(), q, d.msgId()));
            }
        }
        return sent;
    }

    private void deadLetter(Effect.DeadLetter dl, ByteBuffer body) {
        if (body == null) {
            LOG.error("shard {}: no body for dead letter msgId {} of {}; it is lost", group, dl.msgId(), dl.queue());
            return;
        }
        try {
            node.deadLetters().deadLetter(dl.queue(), QuorumMessageFormat.decode(body), dl.reason());
        } catch (RuntimeException e) {
            LOG.error("shard {}: cannot dead-letter msgId {} of {}; it is dropped", group, dl.msgId(), dl.queue(), e);
        }
    }

    private record Held(ConsumerKey consumer, QueueKey queue, long msgId) {
    }

    /**
     * What one entry (or a resend) sends: each of this node's consumers gets its messages as one batch, other nodes
     * theirs as one write of frames. A notice to a consumer here (cancelled, activity) first hands it what it was
     * given before, so it sees them in the entry's order.
     */
    private final class Outgoing {
        private final Map<String, DeliveryFrames.Batch> remote = new LinkedHashMap<>();
        private final Map<ConsumerKey, List<DeliveryFrames.Delivery>> here = new LinkedHashMap<>();
        private int local;

        void deliver(Effect.Deliver d, ByteBuffer body, boolean resent) {
            ConsumerKey c = d.consumer();
            if (c.node().equals(node.node())) {
                if (node.endpoints().target(c) == null) {
                    return; // gone here: the shard hears of it (a Cancel) and takes the message back
                }
                here.computeIfAbsent(c, x -> new ArrayList<>()).add(new DeliveryFrames.Delivery(d.msgId(),
                        d.redelivered(), resent, d.deliveryCount(), QuorumMessageFormat.decode(body)));
                return;
            }
            batch(c).deliver(d.queue(), c, d.msgId(), d.redelivered(), resent, d.deliveryCount(), body);
        }

        void cancelled(QueueKey queue, ConsumerKey c, String why) {
            if (c.node().equals(node.node())) {
                handOver(c, here.remove(c));
                QuorumConsumerTarget target = node.endpoints().target(c);
                if (target != null) {
                    target.cancelled(why);
                }
                return;
            }
            batch(c).cancelled(queue, c, why);
        }

        void activity(QueueKey queue, ConsumerKey c, boolean active) {
            if (c.node().equals(node.node())) {
                handOver(c, here.remove(c));
                QuorumConsumerTarget target = node.endpoints().target(c);
                if (target != null) {
                    target.activity(active);
                }
                return;
            }
            batch(c).activity(queue, c, active);
        }

        // a local consumer's messages of this entry, in order, as one piece of work on its queue's loop
        private void handOver(ConsumerKey c, List<DeliveryFrames.Delivery> batch) {
            if (batch == null || batch.isEmpty()) {
                return;
            }
            QuorumConsumerTarget target = node.endpoints().target(c);
            if (target == null) {
                batch.forEach(x -> x.message().release()); // gone meanwhile: the shard takes them back on its Cancel
                return;
            }
            try {
                target.deliverAll(batch);
                local += batch.size();
            } catch (RuntimeException e) {
                LOG.warn("shard {}: consumer {} failed taking {} messages: {}", group, c, batch.size(),
                        e.toString());
            }
        }

        private DeliveryFrames.Batch batch(ConsumerKey c) {
            return remote.computeIfAbsent(c.node(), n -> new DeliveryFrames.Batch(ByteBufAllocator.DEFAULT));
        }

        /** One write and flush per node; the link's event loop does the rest (and the only copy of the bodies). */
        void send() {
            for (Map.Entry<ConsumerKey, List<DeliveryFrames.Delivery>> e : here.entrySet()) {
                handOver(e.getKey(), e.getValue());
            }
            here.clear();
            if (local > 0) {
                node.deliveredHere(local);
            }
            List<Map.Entry<String, DeliveryFrames.Batch>> all = new ArrayList<>(remote.entrySet());
            for (Map.Entry<String, DeliveryFrames.Batch> e : all) {
                DeliveryFrames.Batch b = e.getValue();
                if (b.isEmpty()) {
                    continue;
                }
                try {
                    node.sent(e.getKey(), b.finish(), b.messages());
                } catch (RuntimeException failed) {
                    LOG.warn("shard {}: deliveries to node {} not sent: {}", group, e.getKey(), failed.toString());
                }
            }
        }
    }
}
