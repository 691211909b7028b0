package io.warren.broker.auth;

import io.warren.broker.durable.DefinitionJournal;
import io.warren.broker.limits.Limits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users with their per-vhost permissions, topic permissions and limits; each change is told to the journal before it
 * is made.
 */
public final class UserRegistry {
    private final ConcurrentHashMap<String, User> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Permission>> permissions = new ConcurrentHashMap<>();
    /** user, then vhost, then exchange. */
    private final ConcurrentHashMap<String, Map<String, Map<String, TopicPermission>>> topicPermissions =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Limits> limits = new ConcurrentHashMap<>();
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
        topicPermissions.remove(name);
        limits.remove(name);
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

    // ---- topic permissions ----

    /** Sets the user's topic permission on the permission's exchange in the vhost. */
    public synchronized void setTopicPermission(String user, String vhost, TopicPermission p) {
        journal.topicPermissionSet(user, vhost, p.exchange(), p.write(), p.read());
        topicPermissions.computeIfAbsent(user, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(vhost, k -> new ConcurrentHashMap<>()).put(p.exchange(), p);
    }

    /**
     * Takes the user's topic permission on the exchange in the vhost away, or all of them in the vhost when exchange
     * is null; returns false if there was none.
     */
    public synchronized boolean clearTopicPermission(String user, String vhost, String exchange) {
        Map<String, Map<String, TopicPermission>> byVhost = topicPermissions.get(user);
        Map<String, TopicPermission> byExchange = byVhost == null ? null : byVhost.get(vhost);
        if (byExchange == null || (exchange != null && !byExchange.containsKey(exchange))) {
            return false;
        }
        journal.topicPermissionCleared(user, vhost, exchange);
        if (exchange == null) {
            byVhost.remove(vhost);
        } else {
            byExchange.remove(exchange);
        }
        return true;
    }

    /** The user's topic permission on the exchange in the vhost, or null: then every routing key is allowed. */
    public TopicPermission topicPermission(String user, String vhost, String exchange) {
        Map<String, Map<String, TopicPermission>> byVhost = topicPermissions.get(user);
        if (byVhost == null) {
            return null;
        }
        Map<String, TopicPermission> byExchange = byVhost.get(vhost);
        return byExchange == null ? null : byExchange.get(exchange);
    }

    /** A user's topic permission in a vhost, for listing. */
    public record TopicGrant(String user, String vhost, TopicPermission permission) {
    }

    /** Every topic permission, by user, vhost and exchange. */
    public List<TopicGrant> topicPermissions() {
        List<TopicGrant> out = new ArrayList<>();
        topicPermissions.forEach((user, byVhost) -> byVhost.forEach((vhost, byExchange) ->
                byExchange.values().forEach(p -> out.add(new TopicGrant(user, vhost, p)))));
        out.sort(java.util.Comparator.comparing(TopicGrant::user).thenComparing(TopicGrant::vhost)
                .thenComparing(g -> g.permission().exchange()));
        return out;
    }

    /** Forgets the topic permissions in a deleted vhost (the journal deletes them with the vhost). */
    public synchronized void vhostRemoved(String vhost) {
        topicPermissions.values().forEach(byVhost -> byVhost.remove(vhost));
    }

    // ---- limits ----

    /** The user's limits; none when it has none. */
    public Limits limits(String user) {
        return limits.getOrDefault(user, Limits.NONE);
    }

    /** Replaces the user's limits; empty clears them. */
    public synchronized void setLimits(String user, Limits l) {
        journal.userLimitsSet(user, l.toJson().toString());
        if (l.isEmpty()) {
            limits.remove(user);
        } else {
            limits.put(user, l);
        }
    }
}
