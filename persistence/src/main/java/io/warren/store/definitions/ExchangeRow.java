package io.warren.store.definitions;

/** A stored (durable) exchange; arguments are a JSON text the store does not interpret. */
public record ExchangeRow(String vhost, String name, String type, boolean autoDelete, boolean internal,
                          String argumentsJson) {
}
