package io.warren.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingTest {
    @Test
    void equalityCoversDestinationKeyAndArguments() {
        assertEquals(new Binding<>("q", "k", Map.of("a", 1)), new Binding<>("q", "k", new HashMap<>(Map.of("a", 1))));
        assertNotEquals(new Binding<>("q", "k", Map.of()), new Binding<>("q2", "k", Map.of()));
        assertNotEquals(new Binding<>("q", "k", Map.of()), new Binding<>("q", "k2", Map.of()));
        assertNotEquals(new Binding<>("q", "k", Map.of()), new Binding<>("q", "k", Map.of("a", 1)));
    }

    @Test
    void nullKeyAndArgumentsReadAsEmpty() {
        Binding<String> binding = new Binding<>("q", null, null);
        assertEquals("", binding.bindingKey());
        assertTrue(binding.arguments().isEmpty());
        assertEquals(new Binding<>("q", "", Map.of()), binding);
    }

    @Test
    void argumentsAreCopiedAndUnmodifiable() {
        Map<String, Object> arguments = new HashMap<>(Map.of("a", 1));
        Binding<String> binding = new Binding<>("q", "k", arguments);
        arguments.put("b", 2);
        assertEquals(Map.of("a", 1), binding.arguments());
        assertThrows(UnsupportedOperationException.class, () -> binding.arguments().put("c", 3));
    }

    @Test
    void voidArgumentValuesAreKept() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("present", null);
        Binding<String> binding = new Binding<>("q", "", arguments);
        assertTrue(binding.arguments().containsKey("present"));
        assertNull(binding.arguments().get("present"));
    }

    @Test
    void destinationIsRequired() {
        assertThrows(NullPointerException.class, () -> new Binding<>(null, "k", Map.of()));
    }
}
