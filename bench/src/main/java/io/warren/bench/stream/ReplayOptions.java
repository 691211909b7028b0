package io.warren.bench.stream;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The flags of {@link StreamReplayBenchmark}, with their defaults. */
record ReplayOptions(String uri, String queue, long count, int size, int publishers, int window, int prefetch,
                     int ackEvery, int followRate, int followSize, Path phaseFile, boolean deleteAfter) {

    static final String USAGE = """
            usage: StreamReplayBenchmark [--flag value]...
              --uri URI            broker to connect to (default amqp://guest:guest@127.0.0.1:5672)
              --queue NAME         stream to declare and use (default stream-replay)
              --count N            messages appended in phase 1 (default 10000000)
              --size BYTES         body size of each message, at least 16 (default 1024)
              --publishers N       phase 1 publishing connections, one channel each (default 2)
              --window N           unconfirmed messages at most, over all publishers (default 10000)
              --prefetch N         basic.qos of each consumer (default 2000)
              --ack-every N        consumers ack with multiple=true every N deliveries (default 500)
              --follow-rate N      msg/s appended during phase 2 for the consumer at 'next' (default 2000)
              --follow-size BYTES  body size of those messages (default: --size)
              --phase-file PATH    written with the current phase name (publish, replay, done) for a sampler
              --delete-after       delete the stream at the end
            """;

    private static final Set<String> FLAGS = Set.of("uri", "queue", "count", "size", "publishers", "window",
            "prefetch", "ack-every", "follow-rate", "follow-size", "phase-file");

    static ReplayOptions parse(String[] args) throws URISyntaxException {
        Map<String, String> v = new HashMap<>();
        boolean deleteAfter = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--delete-after")) {
                deleteAfter = true;
                continue;
            }
            if (!a.startsWith("--") || !FLAGS.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown flag '" + a + "'\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            v.put(a.substring(2), args[++i]);
        }
        int size = intFlag(v, "size", 1024);
        ReplayOptions o = new ReplayOptions(v.getOrDefault("uri", "amqp://guest:guest@127.0.0.1:5672"),
                v.getOrDefault("queue", "stream-replay"), longFlag(v, "count", 10_000_000L), size,
                intFlag(v, "publishers", 2), intFlag(v, "window", 10_000), intFlag(v, "prefetch", 2_000),
                intFlag(v, "ack-every", 500), intFlag(v, "follow-rate", 2_000), intFlag(v, "follow-size", size),
                v.containsKey("phase-file") ? Path.of(v.get("phase-file")) : null, deleteAfter);
        if (o.size < Stamp.BYTES || o.followSize < Stamp.BYTES) {
            throw new IllegalArgumentException("--size and --follow-size must be at least " + Stamp.BYTES
                    + " bytes (each body carries its publisher's stamp)");
        }
        if (o.count < 1 || o.publishers < 1 || o.window < o.publishers || o.prefetch < 1 || o.ackEvery < 1
                || o.ackEvery > o.prefetch || o.followRate < 1) {
            throw new IllegalArgumentException("counts must be positive, --window at least --publishers and "
                    + "--ack-every at most --prefetch\n" + USAGE);
        }
        return o;
    }

    private static int intFlag(Map<String, String> v, String name, int dflt) {
        return Math.toIntExact(longFlag(v, name, dflt));
    }

    private static long longFlag(Map<String, String> v, String name, long dflt) {
        String s = v.get(name);
        if (s == null) {
            return dflt;
        }
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " wants a whole number, not '" + s + "'");
        }
    }
}
