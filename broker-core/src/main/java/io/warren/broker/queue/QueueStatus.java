package io.warren.broker.queue;

import io.warren.broker.stats.QueueCounters;
import java.util.Map;

/**
 * What the admin API and the metrics read of a queue on their own threads: its depth as of its last change, its
 * message totals and the policy in effect. Written only by the queue's own loop.
 */
public final class QueueStatus {
    private final QueueCounters counters = new QueueCounters();
    private volatile int ready;
    private volatile int unacked;
    private volatile int consumers;
    private volatile long readyBytes;
    private volatile String policyName;
    private volatile Map<String, Object> effectiveArguments;

    /** Publishes the queue's depth. */
    public void counts(int ready, long readyBytes, int unacked, int consumers) {
        this.ready = ready;
        this.readyBytes = readyBytes;
        this.unacked = unacked;
        this.consumers = consumers;
    }

    /** Publishes the policy now in effect (null for none) and the arguments it leaves the queue with. */
    public void policy(String name, Map<String, Object> effectiveArguments) {
        this.policyName = name;
        this.effectiveArguments = effectiveArguments;
    }

    public QueueCounters counters() {
        return counters;
    }

    public int ready() {
        return ready;
    }

    public int unacked() {
        return unacked;
    }

    public int consumers() {
        return consumers;
    }

    public long readyBytes() {
        return readyBytes;
    }

    public String policyName() {
        return policyName;
    }

    /** The arguments as completed by the policy, or null until a policy was applied. */
    public Map<String, Object> effectiveArguments() {
        return effectiveArguments;
    }
}
