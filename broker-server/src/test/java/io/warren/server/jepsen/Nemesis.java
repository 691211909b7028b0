package io.warren.server.jepsen;

import io.warren.server.faults.ClusterProcesses;
import io.warren.server.faults.NetnsNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Makes faults one after the other against a cluster of child JVMs: SIGKILL then restart (of a queue's home or
 * leader node, or of another node), SIGSTOP then SIGCONT, and (with a {@link NetnsNetwork}) a node isolated then
 * healed. Each fault is held for a random time in its range, logged and recorded in the history; after each, the
 * nemesis waits (bounded) until every queue confirms a message again, then leaves a gap before the next.
 */
final class Nemesis {
    /** How long faults are held and how long the nemesis waits after each; times in milliseconds. */
    record Timing(long downMin, long downMax, long pauseMin, long pauseMax, long cutMin, long cutMax, long gapMin,
            long gapMax, Duration recoveryLimit) {
        static Timing shortRun() {
            return new Timing(1000, 2000, 3000, 4000, 4000, 5000, 1000, 1500, Duration.ofSeconds(45));
        }

        static Timing longRun() {
            return new Timing(1000, 5000, 2000, 8000, 3000, 10_000, 1000, 4000, Duration.ofSeconds(90));
        }
    }

    private final ClusterProcesses cluster;
    private final NetnsNetwork network;
    private final List<String> queues;
    private final QueueHomes homes;
    private final History history;
    private final Random random;
    private final Timing timing;
    private int number;

    /** network may be null: then partitions are skipped (logged). */
    Nemesis(ClusterProcesses cluster, NetnsNetwork network, List<String> queues, History history, Random random,
            Timing timing) {
        this.cluster = cluster;
        this.network = network;
        this.queues = queues;
        this.homes = new QueueHomes(cluster);
        this.history = history;
        this.random = random;
        this.timing = timing;
    }

    /** A random plan of n faults; partitions only when a network can make them. */
    static List<Fault> randomPlan(int n, Random random, boolean partitions) {
        List<Fault> kinds = new ArrayList<>(List.of(Fault.KILL_HOME, Fault.KILL_OTHER, Fault.PAUSE));
        if (partitions) {
            kinds.add(Fault.PARTITION);
        }
        List<Fault> plan = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            plan.add(kinds.get(random.nextInt(kinds.size())));
        }
        return plan;
    }

    /** Runs the plan, fault after fault; stops early (logged) once the deadline passes. */
    void run(List<Fault> plan, Instant deadline) throws Exception {
        for (Fault f : plan) {
            if (Instant.now().isAfter(deadline)) {
                RunLog.say("nemesis: deadline reached after %d faults, %d left out", number, plan.size() - number);
                return;
            }
            if (f == Fault.PARTITION && network == null) {
                RunLog.say("nemesis: partition skipped (needs root and ip netns)");
                continue;
            }
            make(f);
            awaitRecovery(f);
            Thread.sleep(between(timing.gapMin(), timing.gapMax()));
        }
    }

    private void make(Fault f) throws Exception {
        int node = target(f);
        String target = ClusterProcesses.name(node);
        int n = ++number;
        // the fault begins once it is in effect (the process gone or stopped, the routes in place)
        Instant began;
        long t0;
        long held;
        switch (f) {
            case KILL_HOME, KILL_OTHER -> {
                held = between(timing.downMin(), timing.downMax());
                RunLog.say("fault %d %s: SIGKILL %s, restart in %d ms", n, f.label(), target, held);
                cluster.kill(node);
                began = Instant.now();
                t0 = System.nanoTime();
                Thread.sleep(held);
                cluster.restart(node);
            }
            case PAUSE -> {
                held = between(timing.pauseMin(), timing.pauseMax());
                RunLog.say("fault %d %s: SIGSTOP %s for %d ms", n, f.label(), target, held);
                try {
                    cluster.pause(node);
                    began = Instant.now();
                    t0 = System.nanoTime();
                    Thread.sleep(held);
                } finally {
                    cluster.resume(node);
                }
            }
            case PARTITION -> {
                held = between(timing.cutMin(), timing.cutMax());
                RunLog.say("fault %d %s: isolate %s for %d ms", n, f.label(), target, held);
                try {
                    network.isolate(node);
                    began = Instant.now();
                    t0 = System.nanoTime();
                    Thread.sleep(held);
                } finally {
                    network.heal();
                }
            }
            default -> throw new IllegalStateException(f.toString());
        }
        long t1 = System.nanoTime();
        history.fault(new FaultRecord(n, f, node, target, began, t0, t1));
        RunLog.say("fault %d %s: %s back after %.1f s", n, f.label(), target, (t1 - t0) / 1e9);
    }

    // the node a fault hits: a queue's holder for KILL_HOME, a node holding none for KILL_OTHER, else any node
    private int target(Fault f) {
        int any = random.nextInt(cluster.size());
        if (f != Fault.KILL_HOME && f != Fault.KILL_OTHER) {
            return any;
        }
        Set<Integer> holders = new HashSet<>();
        List<Integer> order = new ArrayList<>();
        for (String q : queues) {
            int h = homes.of(q, any);
            if (h >= 0) {
                holders.add(h);
                order.add(h);
            }
        }
        if (f == Fault.KILL_HOME) {
            return order.isEmpty() ? any : order.get(random.nextInt(order.size()));
        }
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            if (!holders.contains(i)) {
                others.add(i);
            }
        }
        return others.isEmpty() ? any : others.get(random.nextInt(others.size()));
    }

    // every queue confirms a message sent after the fault ended, or the limit passes (logged, the run goes on)
    private void awaitRecovery(Fault f) throws InterruptedException {
        long since = System.nanoTime();
        long limit = since + timing.recoveryLimit().toNanos();
        while (System.nanoTime() < limit) {
            boolean all = true;
            for (int q = 0; q < history.queues(); q++) {
                all &= history.latestConfirmedSent(q) >= since;
            }
            if (all) {
                return;
            }
            Thread.sleep(100);
        }
        RunLog.say("nemesis: after fault %d (%s) some queue confirmed nothing within %d s", number, f.label(),
                timing.recoveryLimit().toSeconds());
    }

    private long between(long min, long max) {
        return max <= min ? min : min + random.nextLong(max - min + 1);
    }
}
