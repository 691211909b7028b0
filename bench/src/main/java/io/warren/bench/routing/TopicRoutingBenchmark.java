package io.warren.bench.routing;

import io.warren.routing.DirectRouter;
import io.warren.routing.TopicRouter;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Routing one message through topic and direct exchanges holding 100,000 bindings each, for keys
 * that match a few bindings and keys that match none.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class TopicRoutingBenchmark {
    static final int BINDINGS = 100_000;
    private static final int REGIONS = 50;
    private static final int SERVICES = 200;
    private static final String[] LEVELS =
            {"debug", "info", "notice", "warn", "error", "critical", "alert", "audit", "metric", "trace"};
    // A spread of keys per benchmark so one hot cache line or branch pattern doesn't flatter the result.
    private static final int KEY_SAMPLES = 1024;

    private final TopicRouter<String> topic = new TopicRouter<>();
    private final DirectRouter<String> direct = new DirectRouter<>();
    private final String[] matchingKeys = new String[KEY_SAMPLES];
    private final String[] missingKeys = new String[KEY_SAMPLES];

    /** Reused output set and key cursor, one per benchmark thread as a broker's I/O thread would have. */
    @State(Scope.Thread)
    public static class Cursor {
        final Set<String> out = new HashSet<>();
        int next;

        String pick(String[] keys) {
            out.clear();
            next = (next + 1) & (KEY_SAMPLES - 1);
            return keys[next];
        }
    }

    @Setup
    public void bind() {
        for (int i = 0; i < BINDINGS; i++) {
            String queue = "q" + i;
            topic.bind(queue, topicPattern(i), Map.of());
            direct.bind(queue, exactKey(i), Map.of());
        }
        Random random = new Random(7);
        for (int k = 0; k < KEY_SAMPLES; k++) {
            int i = random.nextInt(BINDINGS);
            matchingKeys[k] = exactKey(i);
            // Same shape under an unknown first word; "critical" is avoided because "#.critical" would match.
            missingKeys[k] = "zone" + exactKey(i).substring("region".length()).replace(".critical", ".verbose");
        }
        checkKeys();
    }

    /** Fails fast if the key sets stop meaning what the benchmark names say. */
    private void checkKeys() {
        Set<String> out = new HashSet<>();
        long topicMatches = 0;
        for (int k = 0; k < KEY_SAMPLES; k++) {
            out.clear();
            topic.route(matchingKeys[k], null, out);
            topicMatches += out.size();
            check(!out.isEmpty(), "no topic binding matches " + matchingKeys[k]);
            out.clear();
            direct.route(matchingKeys[k], null, out);
            check(out.size() == 1, "not one direct binding matches " + matchingKeys[k]);
            topic.route(missingKeys[k], null, out);
            direct.route(missingKeys[k], null, out);
            check(out.size() == 1, missingKeys[k] + " unexpectedly matches " + out);
        }
        System.out.printf("topic keys matching few bindings match %.1f on average%n", (double) topicMatches / KEY_SAMPLES);
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    /** "region.R.service.S.LEVEL", unique per binding index. */
    static String exactKey(int i) {
        return "region." + (i % REGIONS) + ".service." + (i / REGIONS % SERVICES) + "." + LEVELS[i / (REGIONS * SERVICES)];
    }

    /**
     * Mostly exact keys, with some "*" and "#" patterns mixed in as real subscribers use them. The
     * wildcard bindings are scattered over the key space so a key matches a few of them, not hundreds.
     */
    static String topicPattern(int i) {
        // 7919 is prime and coprime to BINDINGS, so this is a permutation that spreads neighbours apart.
        int j = (int) ((long) i * 7919 % BINDINGS);
        String region = String.valueOf(j % REGIONS);
        String service = String.valueOf(j / REGIONS % SERVICES);
        String level = LEVELS[j / (REGIONS * SERVICES)];
        if (i % 100 == 0) {
            return "region." + region + ".service.*." + level;
        }
        if (i % 100 == 50) {
            return "region." + region + ".service." + service + ".*";
        }
        if (i % 1000 == 5) {
            return "region." + region + ".#";
        }
        if (i % 25_000 == 3) {
            return "#.critical";
        }
        return exactKey(j);
    }

    @Benchmark
    public int topicKeyMatchingFewBindings(Cursor cursor) {
        topic.route(cursor.pick(matchingKeys), null, cursor.out);
        return cursor.out.size();
    }

    @Benchmark
    public int topicKeyMatchingNoBinding(Cursor cursor) {
        topic.route(cursor.pick(missingKeys), null, cursor.out);
        return cursor.out.size();
    }

    @Benchmark
    public int directKeyMatchingOneBinding(Cursor cursor) {
        direct.route(cursor.pick(matchingKeys), null, cursor.out);
        return cursor.out.size();
    }

    @Benchmark
    public int directKeyMatchingNoBinding(Cursor cursor) {
        direct.route(cursor.pick(missingKeys), null, cursor.out);
        return cursor.out.size();
    }
}
