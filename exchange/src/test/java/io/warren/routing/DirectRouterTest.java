package io.warren.routing;

import static io.warren.routing.Routing.route;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectRouterTest {
    private final DirectRouter<String> router = new DirectRouter<>();

    @Test
    void routesToEveryDestinationBoundWithAnEqualKey() {
        router.bind("q1", "orders", Map.of());
        router.bind("q2", "orders", Map.of());
        router.bind("q3", "invoices", Map.of());
        assertEquals(Set.of("q1", "q2"), route(router, "orders"));
        assertEquals(Set.of("q3"), route(router, "invoices"));
    }

    @Test
    void keysMustMatchExactly() {
        router.bind("q", "orders", Map.of());
        assertEquals(Set.of(), route(router, "Orders"));
        assertEquals(Set.of(), route(router, "orders.eu"));
        assertEquals(Set.of(), route(router, "order"));
    }

    @Test
    void emptyKeyMatchesOnlyTheEmptyBindingKey() {
        router.bind("empty", "", Map.of());
        router.bind("named", "k", Map.of());
        assertEquals(Set.of("empty"), route(router, ""));
        assertEquals(Set.of("empty"), route(router, null));
    }

    @Test
    void routingIgnoresBindingArgumentsAndHeaders() {
        router.bind("q", "k", Map.of("x-whatever", 1));
        assertEquals(Set.of("q"), route(router, "k", Map.of("h", 2)));
    }

    @Test
    void destinationStaysRoutableUntilItsLastBindingForTheKeyGoes() {
        router.bind("q", "k", Map.of());
        router.bind("q", "k", Map.of("a", 1));
        router.unbind("q", "k", Map.of());
        assertEquals(Set.of("q"), route(router, "k"));
        router.unbind("q", "k", Map.of("a", 1));
        assertEquals(Set.of(), route(router, "k"));
    }

    @Test
    void unbindAllStopsRoutingToTheDestinationOnly() {
        router.bind("q1", "a", Map.of());
        router.bind("q1", "b", Map.of());
        router.bind("q2", "a", Map.of());
        router.unbindAll("q1");
        assertEquals(Set.of("q2"), route(router, "a"));
        assertEquals(Set.of(), route(router, "b"));
    }

    @Test
    void rebindingAfterUnbindRoutesAgain() {
        router.bind("q", "k", Map.of());
        router.unbind("q", "k", Map.of());
        router.bind("q", "k", Map.of());
        assertEquals(Set.of("q"), route(router, "k"));
    }

    @Test
    void routeAddsToTheCallersSetWithoutClearingIt() {
        router.bind("q", "k", Map.of());
        Set<String> out = new HashSet<>(Set.of("earlier"));
        router.route("k", null, out);
        assertEquals(Set.of("earlier", "q"), out);
    }
}
