package io.warren.store.definitions;

/**
 * A stored runtime parameter, as RabbitMQ defines one: vhost limits are component "vhost-limits", name "limits".
 *
 * @param valueJson the parameter's value as JSON
 */
public record ParameterRow(String vhost, String component, String name, String valueJson) {
}
