package io.warren.broker.admin;

import java.util.List;

/**
 * Another member of the cluster as its last status report showed it. A member never heard from has zeros and
 * running false.
 *
 * @param running       whether its last report is recent (a node silent for a few seconds counts as stopped)
 * @param sinceMillis   how long ago its last report came (-1: never)
 * @param alarms        the resource alarms in effect on it ("memory", "disk")
 * @param fdUsed        open file descriptors (-1 when it cannot tell)
 * @param queues        queues that live on it
 * @param totals        its message totals since it started (kept at their last value while it is silent)
 */
public record NodeStatusView(String name, boolean running, long sinceMillis, long uptimeMillis, long memUsed,
                             long memLimit, long diskFree, long diskFreeLimit, List<String> alarms, long fdUsed,
                             long fdTotal, int processors, int connections, int channels, int consumers, int queues,
                             String version, String javaVersion, List<ListenerView> listeners,
                             MessageTotalsView totals) {
    public NodeStatusView {
        alarms = List.copyOf(alarms);
        listeners = List.copyOf(listeners);
    }
}
