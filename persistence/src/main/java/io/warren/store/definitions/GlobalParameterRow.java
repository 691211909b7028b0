package io.warren.store.definitions;

/** A stored global (broker-wide) runtime parameter; its value as JSON. */
public record GlobalParameterRow(String name, String valueJson) {
}
