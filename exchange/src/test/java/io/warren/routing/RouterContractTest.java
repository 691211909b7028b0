package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Binding bookkeeping that every exchange type shares. */
class RouterContractTest {
    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void bindReturnsFalseForAnEqualBinding(String type) {
        Router<String> router = Routers.create(type);
        assertTrue(router.bind("q", "k", Map.of("x-match", "any", "a", 1)));
        assertFalse(router.bind("q", "k", Map.of("a", 1, "x-match", "any")));
        assertEquals(1, router.bindingCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void argumentsArePartOfBindingIdentity(String type) {
        Router<String> router = Routers.create(type);
        assertTrue(router.bind("q", "k", Map.of()));
        assertTrue(router.bind("q", "k", Map.of("a", 1)));
        assertTrue(router.bind("q", "k2", Map.of()));
        assertEquals(3, router.bindingCount());
        assertTrue(router.unbind("q", "k", Map.of("a", 1)));
        assertEquals(List.of(new Binding<>("q", "k", Map.of()), new Binding<>("q", "k2", Map.of())), router.bindings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void unbindReturnsFalseWhenThereWasNoSuchBinding(String type) {
        Router<String> router = Routers.create(type);
        assertFalse(router.unbind("q", "k", Map.of()));
        router.bind("q", "k", Map.of());
        assertFalse(router.unbind("q", "other", Map.of()));
        assertFalse(router.unbind("other", "k", Map.of()));
        assertTrue(router.unbind("q", "k", null));
        assertFalse(router.unbind("q", "k", Map.of()));
        assertTrue(router.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void unbindAllRemovesEveryBindingOfThatDestinationOnly(String type) {
        Router<String> router = Routers.create(type);
        router.bind("q1", "a", Map.of());
        router.bind("q2", "a", Map.of());
        router.bind("q1", "b", Map.of());
        router.bind("q1", "b", Map.of("x", 1));
        assertEquals(3, router.unbindAll("q1"));
        assertEquals(0, router.unbindAll("q1"));
        assertEquals(List.of(new Binding<>("q2", "a", Map.of())), router.bindings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void bindingsListsEveryBindingInTheOrderTheyWereMade(String type) {
        Router<String> router = Routers.create(type);
        router.bind("q2", "b", Map.of());
        router.bind("q1", "a", Map.of("x-match", "all"));
        router.bind("q2", "a", null);
        assertEquals(List.of(
                new Binding<>("q2", "b", Map.of()),
                new Binding<>("q1", "a", Map.of("x-match", "all")),
                new Binding<>("q2", "a", Map.of())), router.bindings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void countAndIsEmptyFollowBindAndUnbind(String type) {
        Router<String> router = Routers.create(type);
        assertTrue(router.isEmpty());
        assertEquals(0, router.bindingCount());
        router.bind("q", "a", Map.of());
        router.bind("q", "b", Map.of());
        assertFalse(router.isEmpty());
        assertEquals(2, router.bindingCount());
        router.unbind("q", "a", Map.of());
        router.unbind("q", "b", Map.of());
        assertTrue(router.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void bindingsListIsASnapshot(String type) {
        Router<String> router = Routers.create(type);
        router.bind("q", "a", Map.of());
        List<Binding<String>> listed = router.bindings();
        router.bind("q", "b", Map.of());
        assertEquals(1, listed.size());
    }
}
