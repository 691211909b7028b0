package io.warren.store.definitions;

/** A stored virtual host. */
public record VhostRow(String name) {
}
