package io.warren.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One binding of an exchange to a destination; all three components make up its identity.
 *
 * <p>A null key reads as "" and null arguments as an empty map. Arguments are copied into an
 * unmodifiable map that keeps null values, because AMQP "void" is a legal argument value.
 */
public record Binding<D>(D destination, String bindingKey, Map<String, Object> arguments) {
    public Binding {
        Objects.requireNonNull(destination, "destination");
        bindingKey = bindingKey == null ? "" : bindingKey;
        arguments = arguments == null || arguments.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
}
