package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.shard.QuorumTuning;
import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the consumers of lost nodes and of this node's earlier runs out of the quorum shards, so that what they held
 * goes back to the queue (redelivered) and reaches a consumer that is there. Once a second, on every shard replica of
 * this node:
 * <ul>
 * <li>where this replica is the ready leader, a node that holds consumers in the shard and has not been reachable over
 * the link for {@link #GONE_AFTER}, or is no longer a member, gets a {@code NodeDown};
 * <li>consumers of this node with an older epoch than this run's belong to an earlier run (epochs are start times in
 * ms, and a node runs once at a time): each gets a {@code Cancel} that returns what it held. Older, not merely other:
 * a part of this run that took its epoch a little later (a front made after the node) is not mistaken for one. {@code NodeDown} cannot be used for them, since it names a
 * node, not a run, and would take this run's consumers too.
 * </ul>
 * Commands go through a client of the shard, so they reach the leader wherever it is. A command applied twice (two
 * ticks, a retry) finds nothing the second time and changes nothing.
 */
public final class ConsumerNodeWatch implements AutoCloseable {
    /** How long a node must stay unreachable before its consumers of the shards this node leads are taken out. */
    public static final Duration GONE_AFTER = Duration.ofSeconds(5);
    /** A command sent but not yet seen applied is sent again after this long. */
    private static final long RESEND_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerNodeWatch.class);

    /** Whether other nodes can be reached (the cluster link). */
    public interface Reach {
        /** Makes sure the node is being tried, so that {@link #down} tells even when nothing is sent to it. */
        void watch(String node);

        /** True while the node cannot be reached. */
        boolean down(String node);
    }

    private final String self;
    private final long epoch;
    private final Supplier<RaftServer> server;
    private final Reach reach;
    private final Supplier<Collection<String>> members;
    private final Map<String, Long> downSince = new HashMap<>();
    /** What was sent and when (nanoTime), by shard and by what it names (a node, or an earlier run's consumer). */
    private final Map<RaftGroupId, Map<Object, Long>> sent = new HashMap<>();
    private final Map<RaftGroupId, RaftClient> clients = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-quorum-watch");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param epoch   this run's epoch (its start time in ms): this node's consumer keys with a smaller one are an
     *                earlier run's
     * @param server  this node's quorum server (null while it is not running)
     * @param members the cluster's members
     */
    public ConsumerNodeWatch(String self, long epoch, Supplier<RaftServer> server, Reach reach,
                             Supplier<Collection<String>> members) {
        this.self = self;
        this.epoch = epoch;
        this.server = server;
        this.reach = reach;
        this.members = members;
    }

    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException | IOException e) {
                LOG.debug("watching the quorum shards' consumers: {}", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() throws IOException {
        RaftServer s = server.get();
        if (s == null) {
            return;
        }
        long now = System.nanoTime();
        Collection<String> current = members.get();
        Set<String> holding = new HashSet<>();
        for (RaftGroupId g : s.getGroupIds()) {
            RaftServer.Division d = s.getDivision(g);
            if (!(d.getStateMachine() instanceof ShardStateMachine sm)) {
                continue;
            }
            Map<QueueKey, List<ConsumerKey>> consumers = sm.readState(st -> {
                Map<QueueKey, List<ConsumerKey>> out = new LinkedHashMap<>();
                for (QueueKey q : st.queueKeys()) {
                    List<ConsumerKey> keys = st.consumers(q);
                    if (!keys.isEmpty()) { // most queues have none: every second, per queue, this adds up
                        out.put(q, keys);
                    }
                }
                return out;
            });
            Map<Object, Long> sentHere = sent.computeIfAbsent(g, k -> new HashMap<>());
            Set<Object> stillThere = new HashSet<>();
            List<Command> commands = new ArrayList<>();
            boolean leading = d.getInfo().isLeaderReady();
            Map<String, String> lost = new LinkedHashMap<>(); // node -> why
            consumers.forEach((q, keys) -> {
                for (ConsumerKey k : keys) {
                    if (k.node().equals(self)) {
                        if (k.epoch() < epoch) {
                            stillThere.add(k);
                            if (due(sentHere, k, now)) {
                                commands.add(new Command.Cancel(q, k, true));
                            }
                        }
                    } else if (leading) {
                        holding.add(k.node());
                        String why = gone(k.node(), current, now);
                        if (why != null) {
                            lost.put(k.node(), why);
                        }
                    }
                }
            });
            lost.forEach((node, why) -> {
                stillThere.add(node);
                if (due(sentHere, node, now)) {
                    commands.add(new Command.NodeDown(node));
                    LOG.info("node {} holds consumers of quorum shard {} and {}: its consumers are taken out, what "
                            + "they held goes back to the queue", node, g.getUuid(), why);
                }
            });
            sentHere.keySet().retainAll(stillThere);
            if (!commands.isEmpty()) {
                submit(d, new CommandBatch(commands));
            }
        }
        downSince.keySet().retainAll(holding);
    }

    /** Why the node counts as gone, or null while it does not. */
    private String gone(String node, Collection<String> current, long now) {
        if (!current.contains(node)) {
            return "is no longer a member of the cluster";
        }
        reach.watch(node);
        if (!reach.down(node)) {
            downSince.remove(node);
            return null;
        }
        long since = downSince.computeIfAbsent(node, n -> now);
        return now - since >= GONE_AFTER.toNanos() ? "has been unreachable for " + GONE_AFTER.toSeconds() + " s"
                : null;
    }

    private static boolean due(Map<Object, Long> sent, Object what, long now) {
        Long at = sent.get(what);
        if (at != null && now - at < RESEND_NANOS) {
            return false;
        }
        sent.put(what, now);
        return true;
    }

    private void submit(RaftServer.Division d, CommandBatch batch) {
        RaftClient c = clients.computeIfAbsent(d.getGroup().getGroupId(), g -> RaftClient.newBuilder()
                .setProperties(QuorumTuning.client()).setRaftGroup(d.getGroup())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(20,
                        TimeDuration.valueOf(250, TimeUnit.MILLISECONDS)))
                .build());
        c.async().send(Message.valueOf(ShardEntry.encode(batch, List.of()))).whenComplete((reply, failed) -> {
            if (failed != null || !reply.isSuccess()) {
                LOG.debug("taking lost consumers out of shard {} failed ({}); tried again later",
                        d.getGroup().getGroupId().getUuid(), failed != null ? failed.toString()
                                : reply.getException());
            }
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RaftClient c : clients.values()) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing a shard client: {}", e.toString());
            }
        }
        clients.clear();
    }
}
