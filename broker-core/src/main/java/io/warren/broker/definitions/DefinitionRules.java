package io.warren.broker.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.auth.Permission;
import java.util.regex.PatternSyntaxException;

/**
 * The checks a definition must pass however it arrives: one call of the management API or an entry of a
 * definitions file. Both paths call these, so an import can never make what the single call would refuse.
 * Each throws IllegalArgumentException with the reason a person can act on.
 */
public final class DefinitionRules {
    private DefinitionRules() {
    }

    public static String vhostName(String name) {
        return notEmpty(name, "vhost");
    }

    public static String userName(String name) {
        return notEmpty(name, "user");
    }

    public static String queueName(String name) {
        return notEmpty(name, "queue");
    }

    /** The permission, its three patterns compiled; a pattern that is not a regular expression is refused. */
    public static Permission permission(String configure, String write, String read) {
        try {
            return new Permission(configure, write, read);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid permission pattern: " + e.getDescription());
        }
    }

    /** A runtime or global parameter's value: RabbitMQ refuses one without. */
    public static JsonNode parameterValue(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            throw new IllegalArgumentException("'value' is required");
        }
        return value;
    }

    private static String notEmpty(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " name must not be empty");
        }
        return name;
    }
}
