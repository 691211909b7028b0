package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One thread changes bindings while others route; routing must never fail or lose stable bindings. */
class RouterConcurrencyTest {
    private static final int READERS = 3;
    private static final long RUN_MILLIS = 700;
    private static final String ROUTING_KEY = "stock.ibm.nyse";
    private static final Map<String, Object> HEADERS = Map.of("symbol", "ibm", "market", "nyse");

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void routeAlwaysFindsStableDestinationsWhileBindingsChange(String type) throws Exception {
        Router<String> router = Routers.create(type);
        router.bind("stable-exact", ROUTING_KEY, Map.of("symbol", "ibm"));
        router.bind("stable-wild", "stock.*.nyse", Map.of("x-match", "any", "market", "nyse"));
        Set<String> stable = Set.of("stable-exact", "stable-wild");
        if (type.equals("direct")) {
            stable = Set.of("stable-exact");
        }
        Set<String> expected = stable;

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong routed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> {
                    Set<String> out = new HashSet<>();
                    while (running.get()) {
                        out.clear();
                        router.route(ROUTING_KEY, HEADERS, out);
                        assertTrue(out.containsAll(expected), () -> "lost a stable destination: " + out);
                        routed.incrementAndGet();
                    }
                    return null;
                }));
            }
            Future<?> writer = pool.submit(() -> churn(router, running));
            Thread.sleep(RUN_MILLIS);
            running.set(false);
            writer.get(10, TimeUnit.SECONDS);
            for (Future<?> reader : readers) {
                reader.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(routed.get() > 0);
        assertEquals(2, router.bindingCount(), () -> "churn left bindings behind: " + router.bindings());
    }

    /** Binds and unbinds keys on and around the stable ones, so trie nodes are created and pruned. */
    private static Void churn(Router<String> router, AtomicBoolean running) {
        String[] keys = {ROUTING_KEY, "stock.ibm.*", "stock.#", "stock.ibm.nyse.extra", "stock.*.nyse", "#", "other"};
        int round = 0;
        while (running.get()) {
            for (int i = 0; i < 20; i++) {
                String destination = "churn-" + (i % 7);
                String key = keys[(round + i) % keys.length];
                Map<String, Object> arguments = Map.of("x-match", i % 2 == 0 ? "all" : "any", "symbol", "ibm");
                router.bind(destination, key, arguments);
                if (i % 3 == 0) {
                    router.unbind(destination, key, arguments);
                }
            }
            for (int i = 0; i < 7; i++) {
                router.unbindAll("churn-" + i);
            }
            round++;
        }
        return null;
    }
}
