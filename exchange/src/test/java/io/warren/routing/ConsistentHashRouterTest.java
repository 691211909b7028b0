package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsistentHashRouterTest {
    private static final int KEYS = 40_000;

    private static ConsistentHashRouter<String> router(Map<String, Object> args) {
        return new ConsistentHashRouter<>(args);
    }

    private static String only(Router<String> r, String routingKey) {
        Set<String> out = Routing.route(r, routingKey);
        assertEquals(1, out.size(), "exactly one destination for " + routingKey);
        return out.iterator().next();
    }

    private static Map<String, String> placement(Router<String> r) {
        Map<String, String> placed = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            placed.put("order-" + i, only(r, "order-" + i));
        }
        return placed;
    }

    private static Map<String, Integer> counts(Map<String, String> placement) {
        Map<String, Integer> counts = new HashMap<>();
        placement.values().forEach(q -> counts.merge(q, 1, Integer::sum));
        return counts;
    }

    @Test
    void everyMessageWithOneKeyGoesToTheSameSingleQueue() {
        ConsistentHashRouter<String> r = router(Map.of());
        r.bind("q1", "1", null);
        r.bind("q2", "1", null);
        r.bind("q3", "1", null);
        for (int i = 0; i < 1000; i++) {
            String first = only(r, "key-" + i);
            assertEquals(first, only(r, "key-" + i));
            assertEquals(first, only(r, "key-" + i));
        }
    }

    @Test
    void sharesFollowTheWeights() {
        ConsistentHashRouter<String> r = router(Map.of());
        r.bind("light", "1", null);
        r.bind("heavy", "3", null);
        Map<String, Integer> counts = counts(placement(r));
        double heavyShare = counts.get("heavy") / (double) KEYS;
        assertEquals(0.75, heavyShare, 0.02, "heavy holds 3 of 4 buckets: " + counts);
    }

    @Test
    void equalWeightsShareEvenly() {
        ConsistentHashRouter<String> r = router(Map.of());
        for (int q = 0; q < 4; q++) {
            r.bind("q" + q, "10", null);
        }
        Map<String, Integer> counts = counts(placement(r));
        assertEquals(4, counts.size());
        counts.values().forEach(c -> assertEquals(0.25, c / (double) KEYS, 0.02, counts.toString()));
    }

    @Test
    void addingAQueueMovesOnlyTheShareItTakes() {
        ConsistentHashRouter<String> r = router(Map.of());
        r.bind("q1", "1", null);
        r.bind("q2", "1", null);
        r.bind("q3", "1", null);
        Map<String, String> before = placement(r);
        r.bind("q4", "1", null);
        Map<String, String> after = placement(r);
        int moved = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (!now.equals(e.getValue())) {
                moved++;
                assertEquals("q4", now, "a key that moves goes to the new queue, never between old ones");
            }
        }
        assertEquals(0.25, moved / (double) KEYS, 0.02);
    }

    @Test
    void removingAQueueMovesOnlyItsOwnKeys() {
        ConsistentHashRouter<String> r = router(Map.of());
        r.bind("q1", "1", null);
        r.bind("q2", "1", null);
        r.bind("q3", "1", null);
        Map<String, String> before = placement(r);
        r.unbind("q2", "1", null);
        Map<String, String> after = placement(r);
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (!e.getValue().equals("q2")) {
                assertEquals(e.getValue(), after.get(e.getKey()), "keys of the queues that stay do not move");
            }
        }
        r.bind("q2", "1", null);
        assertEquals(before, placement(r), "binding it again brings back exactly its keys");
    }

    @Test
    void unbindingEverythingRoutesNowhere() {
        ConsistentHashRouter<String> r = router(Map.of());
        r.bind("q1", "5", null);
        assertEquals(1, r.unbindAll("q1"));
        assertTrue(Routing.route(r, "k").isEmpty());
    }

    @Test
    void onlyTheFirstBindingToAQueueCountsUntilItGoes() {
        ConsistentHashRouter<String> r = router(Map.of());
        r.bind("q1", "1", null);
        r.bind("q2", "1", null);
        r.bind("q2", "100", null); // ignored for the ring, as in the plugin
        double q2Share = counts(placement(r)).get("q2") / (double) KEYS;
        assertEquals(0.5, q2Share, 0.02);
        r.unbind("q2", "1", null); // now the remaining binding's weight counts
        q2Share = counts(placement(r)).get("q2") / (double) KEYS;
        assertEquals(100 / 101.0, q2Share, 0.02);
    }

    @Test
    void hashesOnAHeaderWhenTold() {
        ConsistentHashRouter<String> r = router(Map.of("hash-header", "customer"));
        for (int q = 0; q < 5; q++) {
            r.bind("q" + q, "1", null);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Set<String> a = Routing.route(r, "rk-" + i, Map.of("customer", "c-42"));
            seen.addAll(a);
        }
        assertEquals(1, seen.size(), "the routing key does not matter, the header does");
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            spread.addAll(Routing.route(r, "same", Map.of("customer", "c-" + i)));
        }
        assertEquals(5, spread.size());
    }

    @Test
    void hashesOnAPropertyWhenTold() {
        ConsistentHashRouter<String> r = router(Map.of("hash-property", "message_id"));
        for (int q = 0; q < 5; q++) {
            r.bind("q" + q, "1", null);
        }
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = "m-" + i;
            Set<String> first = route(r, props(id, null, null));
            assertEquals(first, route(r, props(id, null, null)));
            spread.addAll(first);
        }
        assertEquals(5, spread.size());
        ConsistentHashRouter<String> byTime = router(Map.of("hash-property", "timestamp"));
        byTime.bind("a", "1", null);
        byTime.bind("b", "1", null);
        assertEquals(route(byTime, props(null, null, 1700000000L)), route(byTime, props("x", "y", 1700000000L)));
    }

    private static Set<String> route(Router<String> r, RoutingProperties p) {
        Set<String> out = new HashSet<>();
        r.route("ignored-" + System.nanoTime(), null, p, out);
        return out;
    }

    private static RoutingProperties props(String messageId, String correlationId, Long timestamp) {
        return new RoutingProperties() {
            public String messageId() {
                return messageId;
            }

            public String correlationId() {
                return correlationId;
            }

            public Long timestamp() {
                return timestamp;
            }
        };
    }

    @Test
    void bindingKeysMustBePositiveIntegersWithThePluginsMessages() {
        ConsistentHashRouter<String> r = router(Map.of());
        assertEquals("The binding key must be an integer: <<\"abc\">>",
                assertThrows(IllegalArgumentException.class, () -> r.bind("q", "abc", null)).getMessage());
        assertEquals("The binding key must be greater than 0",
                assertThrows(IllegalArgumentException.class, () -> r.bind("q", "0", null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.bind("q", "-3", null));
        assertThrows(IllegalArgumentException.class, () -> r.bind("q", "", null));
        assertThrows(IllegalArgumentException.class, () -> r.bind("q", "99999999999999999999", null));
        assertTrue(r.isEmpty(), "a refused binding leaves nothing behind");
    }

    @Test
    void exchangeArgumentsAreCheckedWithThePluginsMessages() {
        assertEquals("hash-header and hash-property are mutually exclusive",
                assertThrows(IllegalArgumentException.class,
                        () -> router(Map.of("hash-header", "h", "hash-property", "message_id"))).getMessage());
        assertEquals("Unsupported property: app_id", assertThrows(IllegalArgumentException.class,
                () -> router(Map.of("hash-property", "app_id"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> router(Map.of("hash-header", 5)));
    }

    @Test
    void placementDoesNotDependOnTheOrderOfBinding() {
        ConsistentHashRouter<String> a = router(Map.of());
        a.bind("q1", "1", null);
        a.bind("q2", "2", null);
        a.bind("q3", "1", null);
        ConsistentHashRouter<String> b = router(Map.of());
        b.bind("q3", "1", null);
        b.bind("q1", "1", null);
        b.bind("q2", "2", null);
        assertEquals(placement(a), placement(b), "as after a restart, which restores bindings sorted");
    }
}
