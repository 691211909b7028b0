package io.warren.cluster.quorum.front;

import io.warren.broker.admin.QuorumQueueView;
import io.warren.broker.queue.QueueFactory;
import io.warren.cluster.quorum.deliver.QuorumEndpoints;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.shard.QuorumServer;
import io.warren.cluster.quorum.shard.ShardCatalog;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.Origin;
import io.warren.cluster.state.AppliedState;
import java.io.IOException;
import io.warren.cluster.quorum.state.QueueCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.StateMachine;

/**
 * A cluster node's side of quorum queues: the factory of its {@link QuorumQueue}s (one on every node for every
 * quorum queue), a {@link ShardClient} per shard that they share, the shard chosen for queues being declared here,
 * and this node's consumers' endpoints. Its origin and consumer keys carry this run's epoch, so a restarted node's
 * sequence numbers and consumers never look like its earlier run's.
 */
public final class QuorumFront implements AutoCloseable {
    private final String self;
    private final long epoch;
    private final AppliedState state;
    private final Supplier<ShardCatalog> catalog;
    private final Supplier<QuorumServer> server;
    private final Map<Integer, ShardClient> clients = new ConcurrentHashMap<>();
    /** Shards chosen for queues declared here whose rows are not written yet (vhost NUL name -> shard). */
    private final Map<String, Integer> chosen = new ConcurrentHashMap<>();
    private final QuorumEndpoints endpoints;
    private final ScheduledThreadPoolExecutor timer;
    /** Handles the shards' answers, off the Ratis threads that complete them (see ShardClient). */
    private final java.util.concurrent.ThreadPoolExecutor replies;
    private final QuorumQueueFactory factory;
    /** This node's quorum queues, whose figures for the management API are refreshed from the local replica. */
    private final java.util.Set<QuorumQueue> queues = ConcurrentHashMap.newKeySet();
    private boolean refreshing;
    private volatile boolean closed;

    /** epoch: this run's (ClusterNode.quorumEpoch); endpoints: the node's one registry of quorum consumers. */
    public QuorumFront(String self, long epoch, QuorumEndpoints endpoints, AppliedState state,
                       Supplier<ShardCatalog> catalog, Supplier<QuorumServer> server) {
        this.self = self;
        this.epoch = epoch;
        this.endpoints = endpoints;
        this.state = state;
        this.catalog = catalog;
        this.server = server;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "warren-quorum-front-" + self);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // a confirm deadline is cancelled once its answer came
        this.replies = new java.util.concurrent.ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "warren-quorum-replies-" + self);
                    t.setDaemon(true);
                    return t;
                });
        replies.allowCoreThreadTimeOut(true); // no thread while no quorum queue is used
        this.factory = new QuorumQueueFactory(this);
        // called on the definitions log's apply thread: the queues look at the policies on the timer
        state.policies().onChange((vhost, index) -> later(() -> queues.stream()
                .filter(q -> q.vhost().equals(vhost)).forEach(QuorumQueue::policiesChanged), 0));
    }

    /** The factory of quorum queues on this node (QueuePlacement.quorumQueues). */
    public QueueFactory factory() {
        return factory;
    }

    /** This node's quorum consumers by key: where deliveries for them go. */
    public QuorumEndpoints endpoints() {
        return endpoints;
    }

    String self() {
        return self;
    }

    /** Who this node's enqueues come from. */
    Origin origin() {
        return new Origin(self, epoch);
    }

    /** Who holds what basic.get with ack took on this node, until it is settled or returned. */
    ConsumerKey getter() {
        return new ConsumerKey(self, epoch, 0);
    }

    private final java.util.concurrent.atomic.AtomicLong consumerIds = new java.util.concurrent.atomic.AtomicLong();

    /** A new consumer of this node (id 0 is the getter). */
    ConsumerKey newConsumerKey() {
        return new ConsumerKey(self, epoch, consumerIds.incrementAndGet());
    }

    AppliedState state() {
        return state;
    }

    ShardCatalog catalog() {
        return catalog.get();
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    boolean closed() {
        return closed;
    }

    /** The shard the definitions log recorded for the queue, or null when its row is not applied here yet. */
    Integer recordedShard(String vhost, String queue) {
        return ShardPlacement.shardOf(state.queueNode(vhost, queue));
    }

    /** Chooses the shard of a queue being declared here, held until its row is written (see {@link #takeChosen}). */
    int choose(String vhost, String queue, Object locator) {
        ShardCatalog c = catalog.get();
        Map<Integer, Integer> counts = new HashMap<>();
        state.queuesPerNode().forEach((node, n) -> {
            Integer shard = ShardPlacement.shardOf(node);
            if (shard != null) {
                counts.merge(shard, n, Integer::sum);
            }
        });
        chosen.values().forEach(s -> counts.merge(s, 1, Integer::sum));
        int shard = ShardPlacement.choose(c, self, ShardPlacement.balanced(locator), counts);
        chosen.put(key(vhost, queue), shard);
        return shard;
    }

    /** For the definitions writer: what the row of a quorum queue declared here says in its node field, or null. */
    public String takeChosen(String vhost, String queue) {
        Integer shard = chosen.remove(key(vhost, queue));
        return shard == null ? null : ShardPlacement.mark(shard);
    }

    void forget(String vhost, String queue) {
        chosen.remove(key(vhost, queue));
    }

    /** The client of the shard on this node, made on first use. */
    ShardClient client(int shard) {
        if (closed) {
            throw new IllegalStateException("the node is closing");
        }
        return clients.computeIfAbsent(shard, id -> {
            ShardCatalog c = catalog.get();
            ShardCatalog.Shard s = c.shards().stream().filter(x -> x.id() == id).findFirst().orElseThrow(() ->
                    new IllegalStateException("no quorum shard " + id + " in the cluster's catalogue"));
            return new ShardClient(Integer.toString(id), c.group(s), origin(), timer, replies);
        });
    }

    /**
     * Sends a command that carries no message to the shard of that Raft group through this node's client of it
     * (leader-side drivers: ticks, dead letters settled); done hears null once it is applied, or why it failed.
     */
    public void submit(org.apache.ratis.protocol.RaftGroupId group, io.warren.cluster.quorum.state.Command c,
                       java.util.function.Consumer<Throwable> done) {
        ShardCatalog cat = catalog.get();
        ShardCatalog.Shard s = cat == null ? null : cat.shards().stream()
                .filter(x -> x.groupId().equals(group)).findFirst().orElse(null);
        if (s == null || closed) {
            done.accept(new IllegalStateException(closed ? "the node is closing" : "no quorum shard of group "
                    + group.getUuid() + " in the cluster's catalogue"));
            return;
        }
        try {
            client(s.id()).submit(c, (effect, reply, failure) -> done.accept(failure));
        } catch (IllegalStateException closing) {
            done.accept(closing);
        }
    }

    /** This node's replica of the shard, or null when it has none open. */
    ShardStateMachine localReplica(int shard) {
        RaftServer.Division d = division(shard);
        if (d == null) {
            return null;
        }
        StateMachine sm = d.getStateMachine();
        return sm instanceof ShardStateMachine s ? s : null;
    }

    private RaftServer.Division division(int shard) {
        QuorumServer q = server.get();
        RaftServer s = q == null ? null : q.server();
        if (s == null) {
            return null;
        }
        try {
            return s.getDivision(ShardCatalog.Shard.groupId(shard));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The node a quorum queue's row names for the management API: its shard's leader as this node sees it, else
     * its preferred leader; null when the row names a node, not a shard.
     */
    public String leaderOf(String node) {
        Integer shard = ShardPlacement.shardOf(node);
        if (shard == null) {
            return null;
        }
        ShardCatalog c = catalog.get();
        ShardCatalog.Shard s = c == null ? null : shard(c, shard);
        return leader(shard, division(shard), s);
    }

    /**
     * A quorum queue's shard, leader, members (which of them running decides) and this node's replica's Raft
     * figures; null when the queue's row names no shard here (not a quorum queue, or not applied yet).
     */
    public QuorumQueueView status(String vhost, String queue, java.util.function.Predicate<String> running) {
        Integer shard = recordedShard(vhost, queue);
        ShardCatalog c = catalog.get();
        ShardCatalog.Shard s = shard == null || c == null ? null : shard(c, shard);
        if (s == null) {
            return null;
        }
        RaftServer.Division d = division(shard);
        return QuorumQueueStatus.of(s, leader(shard, d, s), d, running);
    }

    /** The leader this node's replica knows, else the one its client of the shard last heard of, else the preferred. */
    private String leader(int shard, RaftServer.Division local, ShardCatalog.Shard s) {
        RaftPeerId leader = local == null ? null : local.getInfo().getLeaderId();
        if (leader != null) {
            return leader.toString();
        }
        ShardClient client = clients.get(shard);
        String known = client == null ? null : client.knownLeader();
        if (known != null) {
            return known;
        }
        return s == null ? null : s.preferredLeader();
    }

    private static ShardCatalog.Shard shard(ShardCatalog c, int id) {
        return c.shards().stream().filter(x -> x.id() == id).findFirst().orElse(null);
    }

    /** The queue's figures (ready, unacked, consumers) are refreshed every few seconds until it is deleted. */
    void track(QuorumQueue q) {
        queues.add(q);
        synchronized (this) {
            if (refreshing || closed) {
                return;
            }
            refreshing = true;
        }
        try {
            timer.scheduleWithFixedDelay(this::refreshStatuses, 5, 5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing
        }
    }

    /**
     * Refreshes every tracked queue's figures, reading each shard's state once for all of its queues: one lock of
     * the state machine per shard, not per queue (which kept a node with 1,000 queues busy while idle).
     */
    private void refreshStatuses() {
        Map<Integer, List<QuorumQueue>> byShard = new HashMap<>();
        for (QuorumQueue q : queues) {
            byShard.computeIfAbsent(q.shard(), k -> new ArrayList<>()).add(q);
        }
        byShard.forEach((shard, list) -> {
            ShardStateMachine local = localReplica(shard);
            if (local == null) {
                return;
            }
            List<QueueCounts> counts = local.readState(s -> {
                List<QueueCounts> out = new ArrayList<>(list.size());
                for (QuorumQueue q : list) {
                    out.add(s.counts(q.key()));
                }
                return out;
            });
            for (int i = 0; i < list.size(); i++) {
                list.get(i).refreshStatus(counts.get(i));
            }
        });
    }

    void untrack(QuorumQueue q) {
        queues.remove(q);
    }

    /** Runs the task on the front's timer after a delay (unless the node is closing). */
    void later(Runnable task, long delayMs) {
        if (closed) {
            return;
        }
        try {
            timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private static String key(String vhost, String queue) {
        return vhost + "\u0000" + queue;
    }

    @Override
    public void close() {
        closed = true;
        clients.values().forEach(ShardClient::close);
        clients.clear();
        timer.shutdownNow();
        replies.shutdown();
    }
}
