package io.warren.store.definitions;

/** A stored (durable, non-exclusive) queue; arguments are a JSON text the store does not interpret. */
public record QueueRow(String vhost, String name, boolean autoDelete, String argumentsJson) {
}
