package io.warren.cluster.quorum.front;

import io.warren.cluster.quorum.shard.ShardCatalog;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which shard a new quorum queue goes to, and how that choice is written in the queue's definition row. A quorum
 * queue has no home node, so its row's node field holds its shard instead, as {@code quorum-shard,<id>}: a comma
 * never occurs in a node name (the cluster's member list is comma-separated), so the two cannot be confused. The
 * row goes through the definitions log like any queue's, and the log keeps the first declaration's field, so every
 * node agrees on the shard even when two nodes declared the queue at once.
 */
public final class ShardPlacement {
    private static final String PREFIX = "quorum-shard,";

    private ShardPlacement() {
    }

    /** What the row's node field says for a queue in this shard. */
    public static String mark(int shard) {
        return PREFIX + shard;
    }

    /** The shard a row's node field names, or null when it names a node (or nothing). */
    public static Integer shardOf(String node) {
        if (node == null || !node.startsWith(PREFIX)) {
            return null;
        }
        try {
            return Integer.parseInt(node.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True for x-queue-leader-locator values RabbitMQ 4 treats as balanced (it maps the older two onto it). */
    static boolean balanced(Object locator) {
        return locator != null && List.of("balanced", "random", "least-leaders").contains(locator.toString());
    }

    /**
     * The shard for a new queue declared on node self. client-local (the default): among the shards self is the
     * preferred leader of, the one with the fewest queues; balanced (or a node that is no shard's preferred leader):
     * among all shards, the one with the fewest queues, then whose preferred leader leads the fewest queues.
     * Ties go to the lowest id, so the choice is the same for the same counts.
     *
     * @param queues queues per shard id (absent: none)
     */
    static int choose(ShardCatalog catalog, String self, boolean balanced, Map<Integer, Integer> queues) {
        List<ShardCatalog.Shard> candidates = catalog.shards();
        if (!balanced) {
            List<ShardCatalog.Shard> local = candidates.stream().filter(s -> s.preferredLeader().equals(self))
                    .toList();
            if (!local.isEmpty()) {
                candidates = local;
            }
        }
        Map<String, Integer> perLeader = new java.util.HashMap<>();
        for (ShardCatalog.Shard s : catalog.shards()) {
            perLeader.merge(s.preferredLeader(), queues.getOrDefault(s.id(), 0), Integer::sum);
        }
        return candidates.stream()
                .min(Comparator.<ShardCatalog.Shard>comparingInt(s -> queues.getOrDefault(s.id(), 0))
                        .thenComparingInt(s -> perLeader.getOrDefault(s.preferredLeader(), 0))
                        .thenComparingInt(ShardCatalog.Shard::id))
                .orElseThrow(() -> new IllegalStateException("the shard catalogue has no shards"))
                .id();
    }
}
