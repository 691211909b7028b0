package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoutersTest {
    @Test
    void createsARouterForEachBuiltInType() {
        assertInstanceOf(DirectRouter.class, Routers.create("direct"));
        assertInstanceOf(FanoutRouter.class, Routers.create("fanout"));
        assertInstanceOf(TopicRouter.class, Routers.create("topic"));
        assertInstanceOf(HeadersRouter.class, Routers.create("headers"));
    }

    @Test
    void createsThePluginTypesFromTheirArguments() {
        assertInstanceOf(ConsistentHashRouter.class, Routers.create("x-consistent-hash", java.util.Map.of()));
        assertInstanceOf(DeduplicatingRouter.class,
                Routers.create("x-message-deduplication", java.util.Map.of("x-cache-size", 10)));
        assertTrue(Routers.isKnownType("x-consistent-hash"));
        assertTrue(Routers.isKnownType("x-message-deduplication"));
        assertThrows(IllegalArgumentException.class, () -> Routers.create("x-message-deduplication"));
    }

    @Test
    void createRejectsUnknownTypesNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Routers.create("x-delayed"));
        assertEquals("unknown exchange type 'x-delayed'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Routers.create(null));
    }

    @Test
    void knownTypesAreCaseSensitive() {
        assertTrue(Routers.isKnownType("topic"));
        assertFalse(Routers.isKnownType("Topic"));
        assertFalse(Routers.isKnownType(""));
        assertFalse(Routers.isKnownType(null));
    }
}
