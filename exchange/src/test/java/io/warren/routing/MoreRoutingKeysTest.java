package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Routing a message that carries CC/BCC keys besides its own routing key. */
class MoreRoutingKeysTest {
    private static <D> Set<D> route(Router<D> r, String key, List<String> more, Map<String, Object> headers) {
        Set<D> out = new HashSet<>();
        r.route(key, more, headers, null, out);
        return out;
    }

    @Test
    void aDirectExchangeTakesTheDestinationsOfEveryKey() {
        DirectRouter<String> r = new DirectRouter<>();
        r.bind("main", "a", null);
        r.bind("copy", "b", null);
        r.bind("other", "c", null);
        assertEquals(Set.of("main", "copy"), route(r, "a", List.of("b", "nothing"), null));
    }

    @Test
    void aTopicExchangeMatchesEachKeyAgainstItsPatterns() {
        TopicRouter<String> r = new TopicRouter<>();
        r.bind("eu", "eu.*", null);
        r.bind("us", "us.#", null);
        assertEquals(Set.of("eu", "us"), route(r, "eu.paris", List.of("us.ny.nyc"), null));
    }

    @Test
    void aDeduplicatingExchangeSeesAMessageWithCcKeysOnceNotAsItsOwnDuplicate() {
        DeduplicatingRouter<String> r = new DeduplicatingRouter<>(Map.of("x-cache-size", 10), () -> 1_000L);
        r.bind("q", "", null);
        Map<String, Object> headers = new HashMap<>();
        headers.put("x-deduplication-header", "order-1");
        assertEquals(Set.of("q"), route(r, "k", List.of("cc-1", "cc-2"), headers));
        assertEquals(Set.of(), route(r, "k", List.of("cc-1"), headers), "the next one with that value is a duplicate");
    }
}
