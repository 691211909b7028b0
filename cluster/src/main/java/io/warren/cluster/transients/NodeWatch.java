package io.warren.cluster.transients;

import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.raft.RaftDefinitionWriter;
import io.warren.cluster.state.TransientState;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices nodes that went away and has their transient definitions dropped cluster-wide, through the log, as
 * RabbitMQ deletes a lost node's exclusive and transient queues. Once a second it looks at every node run that owns
 * transient queues or exchanges: one no longer a member, or that this node has not reached over the cluster link
 * for {@link #GONE_AFTER}, is gone; and this node's own earlier runs (rebuilt from the log at start) are gone once
 * it is up. Every node watches, so two may drop the same run: the second drop finds nothing and changes nothing.
 */
public final class NodeWatch implements AutoCloseable {
    /** How long a node must stay unreachable over the link before its transient definitions are dropped. */
    public static final Duration GONE_AFTER = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);
    private final String self;
    private final String incarnation;
    private final TransientState state;
    private final ClusterLink link;
    private final Supplier<Collection<String>> members;
    private final RaftDefinitionWriter log;
    private final TransientWriter writer;
    private final Map<String, Long> downSince = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-cluster-watch");
        t.setDaemon(true);
        return t;
    });

    public NodeWatch(String self, String incarnation, TransientState state, ClusterLink link,
                     Supplier<Collection<String>> members, RaftDefinitionWriter log, TransientWriter writer) {
        this.self = self;
        this.incarnation = incarnation;
        this.state = state;
        this.link = link;
        this.members = members;
        this.log = log;
        this.writer = writer;
    }

    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.debug("watching the cluster's nodes: {}", e.getMessage());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private void tick() {
        writer.retryPending();
        Map<String, Set<String>> owners = state.owners();
        Collection<String> now = members.get();
        long nowNanos = System.nanoTime();
        downSince.keySet().retainAll(owners.keySet());
        for (Map.Entry<String, Set<String>> e : owners.entrySet()) {
            String node = e.getKey();
            if (node.equals(self)) {
                if (e.getValue().stream().anyMatch(i -> !i.equals(incarnation))) {
                    drop(node, incarnation, TransientOps.EXCEPT, "its earlier run");
                }
                continue;
            }
            if (!now.contains(node)) {
                e.getValue().forEach(i -> drop(node, i, TransientOps.ONLY, "no longer a member"));
                continue;
            }
            link.watch(node);
            if (!link.down(node)) {
                downSince.remove(node);
                continue;
            }
            long since = downSince.computeIfAbsent(node, n -> nowNanos);
            if (nowNanos - since >= GONE_AFTER.toNanos()) {
                e.getValue().forEach(i -> drop(node, i, TransientOps.ONLY, "unreachable for "
                        + GONE_AFTER.toSeconds() + " s"));
            }
        }
    }

    private void drop(String node, String run, String mode, String why) {
        try {
            log.commitUnclaimed(TransientOps.DROP_NODE, null, node, run, mode);
            LOG.info("node {} is gone ({}): its exclusive and transient queues and transient exchanges are "
                    + "deleted", node, why);
        } catch (RuntimeException e) {
            LOG.debug("could not drop node {}'s transient definitions yet: {}", node, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
