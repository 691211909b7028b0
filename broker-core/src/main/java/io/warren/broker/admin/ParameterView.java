package io.warren.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;

/** A vhost-scoped runtime parameter with its JSON value. */
public record ParameterView(String vhost, String component, String name, JsonNode value) {
}
