package io.warren.server.jepsen;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.server.faults.ClusterProcesses;
import io.warren.server.faults.NetnsNetwork;
import io.warren.server.faults.NodeNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Jepsen-style run against a three-node cluster of child JVMs: publishers with confirms and consumers with
 * manual acks on different nodes while the nemesis makes its faults; then every fault is healed, every node
 * killed and restarted, every queue drained through a fresh connection, and each message's fate counted
 * ({@link Checker}), with each fault's unavailability ({@link Failover}). {@link #main} is the long run
 * (bench/scripts/jepsen.sh); JepsenShortTest is the short one.
 */
public final class JepsenRun {
    static final String USER = "jepsen";
    private static final int NODES = 3;
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);
    private static final Duration BACKLOG = Duration.ofSeconds(3);

    /** What a run found. */
    record Result(Fates fates, List<Failover.Measure> failover) {}

    private final JepsenOptions options;

    JepsenRun(JepsenOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        JepsenOptions options;
        try {
            options = JepsenOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Result r = new JepsenRun(options).run();
        System.exit(r.fates().valid() ? 0 : 1);
    }

    Result run() throws Exception {
        Files.createDirectories(options.dir());
        boolean netns = options.partitions() && NetnsNetwork.available();
        RunLog.say("%s queues x%d, %d publishers, %d consumers, %d faults planned (seed %d), partitions %s, dir %s",
                options.queueType(), options.queues(), options.publishers(), options.consumers(),
                options.plan().size(), options.seed(), netns ? "on (ip netns)" : "off", options.dir());
        NodeNetwork network = netns ? NetnsNetwork.create(NODES) : NodeNetwork.loopback();
        ClusterProcesses cluster;
        try {
            cluster = new ClusterProcesses(options.dir(), NODES, network);
        } catch (Exception e) {
            network.close();
            throw e;
        }
        List<Publisher> publishers = new ArrayList<>();
        List<Consumer> consumers = new ArrayList<>();
        // Ctrl-C on a long run: the finally below does not run then, so the hook kills the nodes and the netns
        Thread cleanup = new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }, "jepsen-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (cluster) {
            startAll(cluster);
            cluster.useAdministrator(0, USER, USER);
            Clients clients = new Clients(cluster, USER, USER);
            List<String> queues = options.queueNames();
            declare(clients, queues);
            History history = new History(queues.size());
            AtomicLong ids = new AtomicLong(1);
            for (int i = 0; i < options.consumers(); i++) {
                consumers.add(new Consumer(clients, (i + 1) % NODES, queues, history));
            }
            for (int i = 0; i < options.publishers(); i++) {
                publishers.add(new Publisher(clients, i % NODES, queues, ids, history, options.confirmTimeoutMs()));
            }
            consumers.forEach(Consumer::start);
            publishers.forEach(Publisher::start);
            awaitConfirms(history, System.nanoTime(), Duration.ofSeconds(60));
            RunLog.say("workload running; nemesis starts");

            Instant deadline = Instant.now().plus(options.nemesisLimit());
            Nemesis nemesis = new Nemesis(cluster, netns ? (NetnsNetwork) network : null, queues, history,
                    new Random(options.seed()), options.timing());
            try {
                nemesis.run(options.plan(), deadline);
            } finally {
                heal(cluster, netns ? (NetnsNetwork) network : null);
            }

            // consumers first, so that the publishers leave a backlog of confirmed messages on disk for the
            // final SIGKILL of every node: the drain must find every one of them after the restart
            RunLog.say("nemesis done; stopping consumers, publishing %d s more, stopping publishers",
                    BACKLOG.toSeconds());
            for (Consumer c : consumers) {
                c.close();
            }
            Thread.sleep(BACKLOG.toMillis());
            for (Publisher p : publishers) {
                p.close();
            }
            RunLog.say("killing and restarting every node");
            for (int i = 0; i < NODES; i++) {
                cluster.kill(i);
            }
            startAll(cluster);
            drain(clients, cluster, queues, history);

            Result result = new Result(Checker.check(history), Failover.measure(history));
            report(result, options);
            reportLost(result.fates(), history);
            return result;
        } finally {
            for (Publisher p : publishers) {
                p.close();
            }
            for (Consumer c : consumers) {
                c.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    // every node started at once (a busy machine takes several seconds for each), each waiting for its API
    private static void startAll(ClusterProcesses cluster) throws Exception {
        List<Thread> starts = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Thread t = new Thread(() -> {
                try {
                    cluster.start(node);
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "jepsen-start-" + i);
            t.start();
            starts.add(t);
        }
        for (Thread t : starts) {
            t.join(Duration.ofSeconds(150).toMillis());
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    // queue q is declared through node q (mod 3), so a classic queue's home is that node
    private void declare(Clients clients, List<String> queues) throws Exception {
        Map<String, Object> arguments = Map.of("x-queue-type", options.queueType());
        for (int q = 0; q < queues.size(); q++) {
            long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                try (Connection c = clients.connectTo(q % NODES, "jepsen-declare")) {
                    c.createChannel().queueDeclare(queues.get(q), true, false, false, arguments);
                    break;
                } catch (Exception e) {
                    String why = String.valueOf(e.getCause() instanceof ShutdownSignalException s ? s.getMessage()
                            : e.getMessage());
                    // a new cluster without its majority yet answers 541; any other refusal is final
                    if (why.contains("reply-code=") && !why.contains("majority") || System.nanoTime() > until) {
                        throw new IllegalStateException("cannot declare " + options.queueType() + " queue "
                                + queues.get(q) + ": " + why, e);
                    }
                    Thread.sleep(500);
                }
            }
        }
        RunLog.say("declared %s", queues);
    }

    private static void awaitConfirms(History history, long since, Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        for (int q = 0; q < history.queues(); q++) {
            while (history.latestConfirmedSent(q) < since) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("queue " + q + " confirmed nothing within " + limit);
                }
                Thread.sleep(100);
            }
        }
    }

    // ends any fault still in place (the nemesis ends its own, this is for a run cut short) and starts dead nodes
    private static void heal(ClusterProcesses cluster, NetnsNetwork network) throws Exception {
        if (network != null) {
            network.heal();
        }
        for (int i = 0; i < cluster.size(); i++) {
            if (cluster.node(i) == null || !cluster.node(i).isAlive()) {
                cluster.start(i);
            }
        }
    }

    // each queue emptied by basic.get through a fresh connection to its node, until it reports no messages
    private static void drain(Clients clients, ClusterProcesses cluster, List<String> queues, History history)
            throws InterruptedException {
        QueueHomes homes = new QueueHomes(cluster);
        for (String queue : queues) {
            long until = System.nanoTime() + DRAIN_LIMIT.toNanos();
            long drained = 0;
            long late = 0;
            boolean empty = false;
            int emptyPasses = 0;
            // empty twice, 10 s apart: a message held by a consumer of a node's earlier run comes back only once
            // that node has cancelled it (ConsumerNodeWatch, after its restart)
            while (emptyPasses < 2 && System.nanoTime() < until) {
                if (empty) {
                    Thread.sleep(10_000);
                }
                int home = Math.max(0, homes.of(queue, 0));
                try (Connection c = clients.connectTo(home, "jepsen-drain")) {
                    Channel ch = c.createChannel();
                    GetResponse r;
                    while ((r = ch.basicGet(queue, false)) != null) {
                        history.delivered(Long.parseLong(new String(r.getBody(), StandardCharsets.US_ASCII)));
                        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                        drained++;
                        if (empty) {
                            late++;
                        }
                    }
                    empty = ch.queueDeclarePassive(queue).getMessageCount() == 0;
                    emptyPasses = empty ? emptyPasses + 1 : 0;
                } catch (Exception e) {
                    RunLog.say("drain of %s: %s; retrying", queue, e.getMessage());
                    Thread.sleep(1000);
                }
            }
            RunLog.say("drained %d messages from %s%s%s", drained, queue, late > 0 ? " (" + late + " of them after "
                    + "it had looked empty)" : "", emptyPasses >= 2 ? "" : " (NOT EMPTY at the limit)");
        }
    }

    private static void report(Result r, JepsenOptions o) {
        StringBuilder out = new StringBuilder();
        out.append(System.lineSeparator()).append("== faults (").append(o.queueType()).append(" queues, seed ")
                .append(o.seed()).append(") ==").append(System.lineSeparator());
        for (Failover.Measure m : r.failover()) {
            FaultRecord f = m.fault();
            out.append(String.format("%3d %-11s %-14s began %s held %5.1f s  unavailable %s%n", f.number(),
                    f.kind().label(), f.target(), f.began(), f.heldSeconds(),
                    Double.isNaN(m.seconds()) ? "-" : String.format("%.2f s", m.seconds())));
        }
        out.append("== unavailability (fault start to first confirm of a message sent after it, worst queue) ==")
                .append(System.lineSeparator()).append(Failover.table(r.failover()));
        out.append("== fates ==").append(System.lineSeparator()).append(r.fates().table());
        System.out.print(out);
        System.out.flush();
    }

    // what a lost message's history says: its queue, when it was sent and confirmed, and the faults around it
    private static void reportLost(Fates fates, History history) {
        if (fates.lost().isEmpty()) {
            return;
        }
        Map<Long, History.Publish> answers = history.answers();
        List<FaultRecord> faults = history.faults();
        StringBuilder out = new StringBuilder("== lost messages (first 10) ==").append(System.lineSeparator());
        fates.lost().stream().limit(10).forEach(id -> {
            History.Publish p = answers.get(id);
            if (p == null) {
                return;
            }
            out.append(String.format("id %d queue %d sent %s, confirmed %.3f s later%n", id, p.queue(),
                    java.time.Instant.now().minusNanos(System.nanoTime() - p.sentNanos()),
                    (p.answeredNanos() - p.sentNanos()) / 1e9));
            for (FaultRecord f : faults) {
                // the faults from a minute before its send to a minute after its confirm
                if (f.endedNanos() > p.sentNanos() - 60_000_000_000L && f.beganNanos() < p.answeredNanos()
                        + 60_000_000_000L) {
                    out.append(String.format("    fault %d %s %s began %.1f s %s its send%n", f.number(),
                            f.kind().label(), f.target(), Math.abs(f.beganNanos() - p.sentNanos()) / 1e9,
                            f.beganNanos() < p.sentNanos() ? "before" : "after"));
                }
            }
        });
        System.out.print(out);
        System.out.flush();
    }
}
