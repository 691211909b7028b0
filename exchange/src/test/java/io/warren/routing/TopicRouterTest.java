package io.warren.routing;

import static io.warren.routing.Routing.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicRouterTest {
    private final TopicRouter<String> router = new TopicRouter<>();

    private static boolean matches(String bindingKey, String routingKey) {
        TopicRouter<String> single = new TopicRouter<>();
        single.bind("q", bindingKey, Map.of());
        return route(single, routingKey).contains("q");
    }

    @Test
    void literalKeysMatchOnlyTheSameWords() {
        assertTrue(matches("a.b", "a.b"));
        assertFalse(matches("a.b", "a"));
        assertFalse(matches("a.b", "a.b.c"));
        assertFalse(matches("a.b", "a.bc"));
    }

    @Test
    void emptyBindingKeyMatchesOnlyTheEmptyRoutingKey() {
        assertTrue(matches("", ""));
        assertFalse(matches("", "a"));
        assertFalse(matches("", "."));
    }

    @Test
    void hashAloneMatchesEveryKeyIncludingEmpty() {
        for (String key : List.of("", "a", "a.b.c", ".", "a..b", "*", "#")) {
            assertTrue(matches("#", key), key);
        }
    }

    @Test
    void starMatchesExactlyOneWord() {
        assertTrue(matches("*", "a"));
        assertFalse(matches("*", "a.b"));
        assertTrue(matches("a.*", "a.b"));
        assertFalse(matches("a.*", "a"));
        assertFalse(matches("a.*", "a.b.c"));
        assertTrue(matches("a.*.c", "a.b.c"));
        assertFalse(matches("a.*.c", "a.c"));
        assertFalse(matches("a.*.c", "a.b.b.c"));
        assertTrue(matches("*.*", "a.b"));
        assertFalse(matches("*.*", "a"));
    }

    @Test
    void emptyRoutingKeyHasNoWordsSoStarCannotMatchIt() {
        // RabbitMQ splits "" into zero words, unlike "." which is two empty words.
        assertFalse(matches("*", ""));
        assertFalse(matches("#.*", ""));
        assertTrue(matches("*.*", "."));
    }

    @Test
    void hashMatchesZeroOrMoreWords() {
        assertTrue(matches("a.#", "a"));
        assertTrue(matches("a.#", "a.b"));
        assertTrue(matches("a.#", "a.b.c"));
        assertFalse(matches("a.#", "b.a"));
        assertFalse(matches("a.#", "ab"));
        assertTrue(matches("#.a", "a"));
        assertTrue(matches("#.a", "x.y.a"));
        assertFalse(matches("#.a", "a.x"));
        assertTrue(matches("a.#.c", "a.c"));
        assertTrue(matches("a.#.c", "a.b.d.c"));
        assertFalse(matches("a.#.c", "a.b"));
    }

    @Test
    void consecutiveHashesMatchLikeOne() {
        assertTrue(matches("#.#", ""));
        assertTrue(matches("#.#", "a.b.c"));
        assertTrue(matches("a.#.#.b", "a.b"));
        assertTrue(matches("a.#.#.b", "a.x.y.b"));
        assertFalse(matches("a.#.#.b", "a.x"));
    }

    @Test
    void hashFollowedOrPrecededByStarNeedsAtLeastOneWord() {
        assertTrue(matches("#.*", "a"));
        assertTrue(matches("#.*", "a.b.c"));
        assertTrue(matches("*.#", "a"));
        assertFalse(matches("*.#", ""));
        assertTrue(matches("*.#.*", "a.b"));
        assertFalse(matches("*.#.*", "a"));
    }

    @Test
    void wordsMayBeEmpty() {
        assertTrue(matches("a..b", "a..b"));
        assertFalse(matches("a..b", "a.b"));
        assertTrue(matches("a.*.b", "a..b"));
        assertTrue(matches("a.", "a."));
        assertTrue(matches("a.*", "a."));
        assertTrue(matches(".a", ".a"));
        assertTrue(matches("*.a", ".a"));
    }

    @Test
    void wildcardCharactersInsideAWordAreLiteral() {
        assertTrue(matches("a*.b", "a*.b"));
        assertFalse(matches("a*.b", "ax.b"));
        assertFalse(matches("a#", "a.b"));
        assertFalse(matches("a.b", "a.*"));
        assertTrue(matches("a.*", "a.*"));
    }

    @Test
    void destinationMatchedByTwoBindingsIsRoutedOnce() {
        router.bind("q", "a.*", Map.of());
        router.bind("q", "#", Map.of());
        router.bind("q2", "a.b", Map.of());
        Set<String> out = new HashSet<>();
        router.route("a.b", null, out);
        assertEquals(Set.of("q", "q2"), out);
    }

    @Test
    void equivalentHashPatternsAreStillDistinctBindings() {
        assertTrue(router.bind("q", "#", Map.of()));
        assertTrue(router.bind("q", "#.#", Map.of()));
        router.unbind("q", "#", Map.of());
        assertEquals(Set.of("q"), route(router, "a"));
        router.unbind("q", "#.#", Map.of());
        assertEquals(Set.of(), route(router, "a"));
    }

    @Test
    void unbindingLeavesLongerAndShorterKeysOnTheSamePathRoutable() {
        router.bind("short", "a.b", Map.of());
        router.bind("long", "a.b.c", Map.of());
        router.bind("star", "a.*.c", Map.of());
        router.unbind("long", "a.b.c", Map.of());
        assertEquals(Set.of("short"), route(router, "a.b"));
        assertEquals(Set.of("star"), route(router, "a.b.c"));
        router.bind("long", "a.b.c", Map.of());
        router.unbind("short", "a.b", Map.of());
        router.unbind("star", "a.*.c", Map.of());
        assertEquals(Set.of(), route(router, "a.b"));
        assertEquals(Set.of("long"), route(router, "a.b.c"));
    }

    @Test
    void unbindAllStopsRoutingToTheDestinationOnly() {
        router.bind("q1", "a.#", Map.of());
        router.bind("q1", "*.b", Map.of());
        router.bind("q2", "a.b", Map.of());
        assertEquals(2, router.unbindAll("q1"));
        assertEquals(Set.of("q2"), route(router, "a.b"));
        assertTrue(router.bind("q1", "a.#", Map.of()));
        assertEquals(Set.of("q1", "q2"), route(router, "a.b"));
    }

    @Test
    void agreesWithAReferenceMatcherOnRandomKeys() {
        Random random = new Random(42);
        String[] patternWords = {"a", "b", "", "*", "#"};
        String[] routingWords = {"a", "b", ""};
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String pattern = randomKey(random, patternWords);
            patterns.add(pattern);
            router.bind("q" + i, pattern, Map.of());
        }
        for (int i = 0; i < 2000; i++) {
            String routingKey = randomKey(random, routingWords);
            Set<String> expected = new HashSet<>();
            for (int p = 0; p < patterns.size(); p++) {
                if (referenceMatch(words(patterns.get(p)), words(routingKey))) {
                    expected.add("q" + p);
                }
            }
            assertEquals(expected, route(router, routingKey), routingKey);
        }
    }

    @Test
    void routesCorrectlyAmongOneHundredThousandBindings() {
        for (int i = 0; i < 100_000; i++) {
            router.bind("q" + i, "region." + (i % 100) + ".service." + i, Map.of());
        }
        router.bind("wild", "region.7.*.*", Map.of());
        assertEquals(Set.of("q4207", "wild"), route(router, "region.7.service.4207"));
        assertEquals(Set.of(), route(router, "region.8.service.4207"));
        assertEquals(100_001, router.bindingCount());
    }

    private static String randomKey(Random random, String[] vocabulary) {
        int length = random.nextInt(5);
        StringBuilder key = new StringBuilder();
        for (int w = 0; w < length; w++) {
            if (w > 0) {
                key.append('.');
            }
            key.append(vocabulary[random.nextInt(vocabulary.length)]);
        }
        return key.toString();
    }

    private static List<String> words(String key) {
        return key.isEmpty() ? List.of() : Arrays.asList(key.split("\\.", -1));
    }

    /** The definition of topic matching, written for clarity rather than speed. */
    private static boolean referenceMatch(List<String> pattern, List<String> words) {
        if (pattern.isEmpty()) {
            return words.isEmpty();
        }
        String first = pattern.get(0);
        List<String> rest = pattern.subList(1, pattern.size());
        if (first.equals("#")) {
            for (int skip = 0; skip <= words.size(); skip++) {
                if (referenceMatch(rest, words.subList(skip, words.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !words.isEmpty()
                && (first.equals("*") || first.equals(words.get(0)))
                && referenceMatch(rest, words.subList(1, words.size()));
    }
}
