package io.warren.routing;

import static io.warren.routing.Routing.route;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FanoutRouterTest {
    private final FanoutRouter<String> router = new FanoutRouter<>();

    @Test
    void routesToEveryDestinationWhateverTheKeys() {
        router.bind("q1", "", Map.of());
        router.bind("q2", "something", Map.of());
        assertEquals(Set.of("q1", "q2"), route(router, "anything"));
        assertEquals(Set.of("q1", "q2"), route(router, ""));
        assertEquals(Set.of("q1", "q2"), route(router, null));
    }

    @Test
    void routesNowhereWithoutBindings() {
        assertEquals(Set.of(), route(router, "k"));
    }

    @Test
    void destinationBoundTwiceIsRoutedOnceUntilBothBindingsGo() {
        router.bind("q", "a", Map.of());
        router.bind("q", "b", Map.of());
        assertEquals(Set.of("q"), route(router, "x"));
        router.unbind("q", "a", Map.of());
        assertEquals(Set.of("q"), route(router, "x"));
        router.unbind("q", "b", Map.of());
        assertEquals(Set.of(), route(router, "x"));
    }

    @Test
    void unbindAllStopsRoutingToTheDestinationOnly() {
        router.bind("q1", "a", Map.of());
        router.bind("q1", "b", Map.of());
        router.bind("q2", "", Map.of());
        router.unbindAll("q1");
        assertEquals(Set.of("q2"), route(router, "a"));
    }
}
