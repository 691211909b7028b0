package io.warren.broker.auth;

import io.warren.broker.durable.DefinitionJournal;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Users and their per-vhost permissions; each change is told to the journal before it is made. */
public final class UserRegistry {
    private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Permission>> permissions = new ConcurrentHashMap<>();
    private final DefinitionJournal journal;

    public UserRegistry(DefinitionJournal journal) {
        this.journal = journal;
    }

    public synchronized void put(User user) {
        journal.userPut(user);
        users.put(user.name(), user);
    }

    public void putUser(String name, String password, Set<String> tags) {
        put(new User(name, PasswordHash.of(password), tags));
    }

    /** Deletes the user and its permissions; returns false if there was none. */
    public synchronized boolean deleteUser(String name) {
        journal.userDeleted(name);
        permissions.remove(name);
        return users.remove(name) != null;
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

    public synchronized void setPermission(String user, String vhost, Permission permission) {
        journal.permissionSet(user, vhost, permission);
        permissions.computeIfAbsent(user, k -> new ConcurrentHashMap<>()).put(vhost, permission);
    }

    /** Takes the user's permission in the vhost away; returns false if it had none. */
    public synchronized boolean clearPermission(String user, String vhost) {
        journal.permissionCleared(user, vhost);
        Map<String, Permission> m = permissions.get(user);
        return m != null && m.remove(vhost) != null;
    }

    /** Every user's permissions: user, then vhost. */
    public Map<String, Map<String, Permission>> permissions() {
        return Map.copyOf(permissions);
    }

    /** The user's permission in the vhost, or null when it has none. */
    public Permission permission(String user, String vhost) {
        Map<String, Permission> m = permissions.get(user);
        return m == null ? null : m.get(vhost);
    }
}
