package io.warren.broker.params;

import com.fasterxml.jackson.databind.JsonNode;

/** A vhost-scoped runtime parameter (federation upstreams, shovels, vhost limits...) as RabbitMQ names one. */
public record Parameter(String vhost, String component, String name, JsonNode value) {
}
