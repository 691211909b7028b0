package io.warren.cluster.remote;

import io.warren.broker.queue.QueueFactory;
import io.warren.broker.queue.QueuePlacement;
import io.warren.cluster.link.ClusterLink;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Which node a durable queue lives on: the home the cluster's log recorded for it; for a new queue, this node, or with
 * x-queue-leader-locator 'balanced' the reachable node home to the fewest queues (this node first among equals), as
 * RabbitMQ places queues. A home chosen elsewhere is held here until the declaration is written to the log with it.
 */
public final class QueueHomes implements QueuePlacement {
    public static final String LOCATOR = "x-queue-leader-locator";
    private final String self;
    private final BiFunction<String, String, String> recorded;
    private final Supplier<Map<String, Integer>> queuesPerNode;
    private final Supplier<Collection<String>> members;
    private final ClusterLink link;
    private final Map<String, String> chosen = new ConcurrentHashMap<>();
    // homes of another node's transient queues being made here from the log right now
    private final Map<String, String> applying = new ConcurrentHashMap<>();
    // balanced choices made here that this node's record of the log does not show yet: a declare answers once a
    // majority has committed it, which can be before this node applied it, and the next choice must count it
    private final Map<String, Placed> placedHere = new ConcurrentHashMap<>();

    private record Placed(String vhost, String queue, String node, long at) {
    }

    private static final long PLACED_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /** recorded: a queue's home in the log (vhost, queue), or null; members: the cluster's node names now. */
    public QueueHomes(String self, BiFunction<String, String, String> recorded,
                      Supplier<Map<String, Integer>> queuesPerNode, Supplier<Collection<String>> members,
                      ClusterLink link) {
        this.self = self;
        this.recorded = recorded;
        this.queuesPerNode = queuesPerNode;
        this.members = members;
        this.link = link;
    }

    @Override
    public QueueFactory remoteFactory(String vhost, String queue, Map<String, Object> arguments) {
        String home = recorded.apply(vhost, queue);
        if (home == null) {
            Object locator = arguments.get(LOCATOR);
            // RabbitMQ 4 treats the older random and least-leaders as balanced
            if (locator == null || !List.of("balanced", "least-leaders", "random").contains(locator.toString())) {
                return null;
            }
            home = leastLoaded();
            placedHere.put(key(vhost, queue), new Placed(vhost, queue, home, System.nanoTime()));
            if (!home.equals(self)) {
                chosen.put(key(vhost, queue), home);
            }
        }
        return home.equals(self) ? null : new RemoteQueueFactory(home, link);
    }

    @Override
    public QueueFactory recordedElsewhere(String vhost, String queue) {
        String home = applying.get(key(vhost, queue));
        if (home == null) {
            home = recorded.apply(vhost, queue);
        }
        return home == null || home.equals(self) ? null : new RemoteQueueFactory(home, link);
    }

    /** Another node's transient queue is about to be made here from the log: it lives on home. */
    public void applying(String vhost, String queue, String home) {
        applying.put(key(vhost, queue), home);
    }

    /** It is made (or refused). */
    public void applied(String vhost, String queue) {
        applying.remove(key(vhost, queue));
    }

    private String leastLoaded() {
        Map<String, Integer> counts = new java.util.HashMap<>(queuesPerNode.get());
        long now = System.nanoTime();
        placedHere.values().removeIf(p -> recorded.apply(p.vhost(), p.queue()) != null
                || now - p.at() > PLACED_NANOS); // recorded now, or its declare never made it
        placedHere.values().forEach(p -> counts.merge(p.node(), 1, Integer::sum));
        return members.get().stream()
                .filter(n -> n.equals(self) || !link.down(n))
                .min(Comparator.<String>comparingInt(n -> counts.getOrDefault(n, 0))
                        .thenComparing(n -> !n.equals(self))
                        .thenComparing(Comparator.naturalOrder()))
                .orElse(self);
    }

    /** The home chosen for a new queue being declared here, taken once (null: this node). */
    public String takeChosen(String vhost, String queue) {
        return chosen.remove(key(vhost, queue));
    }

    private static String key(String vhost, String queue) {
        return vhost + "\u0000" + queue;
    }
}
