package io.warren.server.jepsen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A run's settings: the queue type under test, the clients, the faults (a fixed plan, or a number of random ones
 * from the seed), their timing, the nemesis's time limit and the directory for the nodes' data and logs.
 */
record JepsenOptions(String queueType, int queues, int publishers, int consumers, List<Fault> plan, long seed,
        boolean partitions, Nemesis.Timing timing, Duration nemesisLimit, long confirmTimeoutMs, Path dir) {

    static final String USAGE = """
            usage: JepsenRun --dir DIR [--faults N (100)] [--queue-type classic|quorum (classic)] [--seed N (time)]
                             [--queues N (2)] [--publishers N (3)] [--consumers N (3)] [--minutes N (90)]
                             [--no-partitions]
            Partitions need root and ip netns; without them the run makes process faults only.""";

    /** The options for a long run from command-line arguments; a bad argument throws with the usage. */
    static JepsenOptions parse(String[] args) {
        int faults = 100;
        String type = "classic";
        long seed = System.currentTimeMillis();
        int queues = 2;
        int publishers = 3;
        int consumers = 3;
        long minutes = 90;
        boolean partitions = true;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-partitions")) {
                partitions = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--faults" -> faults = positive(a, Integer.parseInt(v));
                    case "--queue-type" -> type = queueType(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--queues" -> queues = positive(a, Integer.parseInt(v));
                    case "--publishers" -> publishers = positive(a, Integer.parseInt(v));
                    case "--consumers" -> consumers = positive(a, Integer.parseInt(v));
                    case "--minutes" -> minutes = positive(a, Integer.parseInt(v));
                    case "--dir" -> dir = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown argument " + a + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + " needs a number, not '" + v + "'\n" + USAGE);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required\n" + USAGE);
        }
        List<Fault> plan = Nemesis.randomPlan(faults, new Random(seed), partitions);
        return new JepsenOptions(type, queues, publishers, consumers, plan, seed, partitions,
                Nemesis.Timing.longRun(), Duration.ofMinutes(minutes), 5000, dir);
    }

    static String queueType(String v) {
        if (!v.equals("classic") && !v.equals("quorum")) {
            throw new IllegalArgumentException("--queue-type is classic or quorum, not '" + v + "'\n" + USAGE);
        }
        return v;
    }

    private static int positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + v + "\n" + USAGE);
        }
        return v;
    }

    /** The queue names: jepsen-0, jepsen-1, ... */
    List<String> queueNames() {
        List<String> names = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            names.add("jepsen-" + q);
        }
        return names;
    }
}
