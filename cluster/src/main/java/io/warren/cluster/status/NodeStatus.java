package io.warren.cluster.status;

import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.alarm.Resource;
import java.util.List;
import java.util.Set;

/**
 * What a node tells the others of itself every second: its measurements and alarms, counts, version, listeners,
 * its channels' message totals, and the figures of the queues that live on it (all of them when fullQueues, else only those that changed since
 * its previous report).
 */
public record NodeStatus(String name, long uptimeMillis, long memUsed, long memLimit, long diskFree,
                         long diskFreeLimit, Set<Resource> alarms, long fdUsed, long fdTotal, int processors,
                         int connections, int channels, int consumers, int queueCount, String version,
                         String javaVersion, List<ListenerView> listeners, MessageTotalsView totals,
                         boolean fullQueues, List<QueueFigures> queues) {
    public NodeStatus {
        alarms = Set.copyOf(alarms);
        listeners = List.copyOf(listeners);
        queues = List.copyOf(queues);
    }
}
