package io.warren.routing;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Test helper: routes into a fresh set. */
final class Routing {
    private Routing() {
    }

    static <D> Set<D> route(Router<D> router, String routingKey) {
        return route(router, routingKey, null);
    }

    static <D> Set<D> route(Router<D> router, String routingKey, Map<String, Object> headers) {
        Set<D> out = new HashSet<>();
        router.route(routingKey, headers, out);
        return out;
    }
}
