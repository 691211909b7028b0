package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeduplicatingRouterTest {
    private final AtomicLong now = new AtomicLong(1_000);

    private DeduplicatingRouter<String> router(Map<String, Object> args) {
        DeduplicatingRouter<String> r = new DeduplicatingRouter<>(args, now::get);
        r.bind("q1", "", null);
        r.bind("q2", "any key", null);
        return r;
    }

    private static Map<String, Object> dedup(Object value) {
        Map<String, Object> h = new HashMap<>();
        h.put("x-deduplication-header", value);
        return h;
    }

    @Test
    void routesLikeFanoutWhateverTheKey() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", 10));
        assertEquals(Set.of("q1", "q2"), Routing.route(r, "whatever"));
        assertEquals(Set.of("q1", "q2"), Routing.route(r, "whatever", dedup("a")));
    }

    @Test
    void aRepeatedValueIsRoutedNowhere() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", 10));
        assertEquals(2, Routing.route(r, "", dedup("order-1")).size());
        assertTrue(Routing.route(r, "", dedup("order-1")).isEmpty());
        assertEquals(2, Routing.route(r, "", dedup("order-2")).size());
    }

    @Test
    void messagesWithoutTheHeaderAreNeverChecked() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", 1));
        for (int i = 0; i < 3; i++) {
            assertEquals(2, Routing.route(r, "").size());
            assertEquals(2, Routing.route(r, "", Map.of("other", "x")).size());
            assertEquals(2, Routing.route(r, "", dedup(List.of("a"))).size());
        }
    }

    @Test
    void equalValuesOfDifferentWidthsAreTheSameKey() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", 10));
        assertEquals(2, Routing.route(r, "", dedup(7)).size());
        assertTrue(Routing.route(r, "", dedup(7L)).isEmpty());
    }

    @Test
    void aValueIsForgottenAfterTheExchangeTtl() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", 10, "x-cache-ttl", 500));
        assertEquals(2, Routing.route(r, "", dedup("k")).size());
        now.addAndGet(499);
        assertTrue(Routing.route(r, "", dedup("k")).isEmpty());
        now.addAndGet(1);
        assertEquals(2, Routing.route(r, "", dedup("k")).size());
        assertTrue(Routing.route(r, "", dedup("k")).isEmpty(), "seen again, so remembered again");
    }

    @Test
    void aMessageTtlHeaderOverridesTheExchangeTtl() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", 10, "x-cache-ttl", 60_000));
        Map<String, Object> h = dedup("k");
        h.put("x-cache-ttl", 100);
        assertEquals(2, Routing.route(r, "", h).size());
        now.addAndGet(100);
        assertEquals(2, Routing.route(r, "", dedup("k")).size());
    }

    @Test
    void withoutATtlValuesStayUntilTheCacheIsFullAndTheOldestGoFirst() {
        DeduplicatingRouter<String> r = router(Map.of("x-cache-size", "2"));
        Routing.route(r, "", dedup("a"));
        Routing.route(r, "", dedup("b"));
        now.addAndGet(365L * 24 * 3600 * 1000);
        assertTrue(Routing.route(r, "", dedup("a")).isEmpty());
        Routing.route(r, "", dedup("c")); // evicts a
        assertEquals(2, r.cacheSize());
        assertEquals(2, Routing.route(r, "", dedup("a")).size());
    }

    @Test
    void argumentsAreCheckedWithThePluginsMessages() {
        String size = "Missing or invalid argument, 'x-cache-size' must be an integer greater than 0";
        assertEquals(size, assertThrows(IllegalArgumentException.class,
                () -> new DeduplicatingRouter<String>(Map.of())).getMessage());
        assertEquals(size, assertThrows(IllegalArgumentException.class,
                () -> new DeduplicatingRouter<String>(Map.of("x-cache-size", 0))).getMessage());
        assertEquals(size, assertThrows(IllegalArgumentException.class,
                () -> new DeduplicatingRouter<String>(Map.of("x-cache-size", "ten"))).getMessage());
        assertEquals("Invalid argument, 'x-cache-ttl' must be an integer greater than 0",
                assertThrows(IllegalArgumentException.class, () -> new DeduplicatingRouter<String>(
                        Map.of("x-cache-size", 5, "x-cache-ttl", -1))).getMessage());
        assertEquals("Invalid argument, 'x-cache-persistence' must be either 'disk' or 'memory'",
                assertThrows(IllegalArgumentException.class, () -> new DeduplicatingRouter<String>(
                        Map.of("x-cache-size", 5, "x-cache-persistence", "tape"))).getMessage());
        new DeduplicatingRouter<String>(Map.of("x-cache-size", 5, "x-cache-persistence", "disk"));
        new DeduplicatingRouter<String>(Map.of("x-cache-size", "5", "x-cache-ttl", "1000"));
    }

    @Test
    void concurrentPublishersRouteEachValueExactlyOnce() throws Exception {
        DeduplicatingRouter<String> r = new DeduplicatingRouter<>(Map.of("x-cache-size", 100_000));
        r.bind("q", "", null);
        int threads = 4;
        int values = 20_000;
        AtomicInteger routed = new AtomicInteger();
        Set<Object> routedValues = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                Set<String> out = new HashSet<>();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < values; i++) {
                    out.clear();
                    Map<String, Object> h = dedup("v" + i);
                    r.route("", h, out);
                    if (!out.isEmpty()) {
                        routed.incrementAndGet();
                        routedValues.add(h.get("x-deduplication-header"));
                    }
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(values, routed.get());
        assertEquals(values, routedValues.size());
    }
}
