package io.warren.broker.auth;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Users and their per-vhost permissions. */
public final class UserRegistry {
    private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Permission>> permissions = new ConcurrentHashMap<>();

    public void put(User user) {
        users.put(user.name(), user);
    }

    public void putUser(String name, String password, Set<String> tags) {
        put(new User(name, PasswordHash.of(password), tags));
    }

    public User user(String name) {
        return users.get(name);
    }

    public Collection<User> users() {
        return users.values();
    }

    /** The user if the password is right, else null. */
    public User authenticate(String name, String password) {
        User u = users.get(name);
        return u != null && u.password().matches(password) ? u : null;
    }

    /** Removes a user and its permissions; returns false if there was none. */
    public boolean remove(String name) {
        permissions.remove(name);
        return users.remove(name) != null;
    }

    /** Every user's permissions: user, then vhost. */
    public Map<String, Map<String, Permission>> permissions() {
        return Map.copyOf(permissions);
    }

    public boolean clearPermission(String user, String vhost) {
        Map<String, Permission> m = permissions.get(user);
        return m != null && m.remove(vhost) != null;
    }

    public void setPermission(String user, String vhost, Permission permission) {
        permissions.computeIfAbsent(user, k -> new ConcurrentHashMap<>()).put(vhost, permission);
    }

    /** The user's permission in the vhost, or null when it has none. */
    public Permission permission(String user, String vhost) {
        Map<String, Permission> m = permissions.get(user);
        return m == null ? null : m.get(vhost);
    }
}
