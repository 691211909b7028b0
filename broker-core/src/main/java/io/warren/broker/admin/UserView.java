package io.warren.broker.admin;

import java.util.Set;

/** A user: name, password hash in RabbitMQ's format, and tags. */
public record UserView(String name, String passwordHash, String hashingAlgorithm, Set<String> tags) {
    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }
}
