package io.warren.broker.auth;

import java.util.Set;

/** A broker user: name, password hash and tags (administrator, monitoring, management, ...). */
public record User(String name, PasswordHash password, Set<String> tags) {
    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }
}
