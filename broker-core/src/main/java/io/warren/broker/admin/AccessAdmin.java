package io.warren.broker.admin;

import io.warren.broker.Broker;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.User;
import io.warren.broker.definitions.DefinitionRules;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Vhosts, users and permissions: reading them, changing them, and checking a user's access. */
public final class AccessAdmin {
    /** What a user wants to do with a resource, as in AMQP permissions. */
    public enum Access { CONFIGURE, WRITE, READ }

    private final Broker broker;

    AccessAdmin(Broker broker) {
        this.broker = broker;
    }

    // ---- vhosts ----

    public List<String> vhosts() {
        List<String> names = new ArrayList<>();
        for (VirtualHost v : broker.vhosts()) {
            names.add(v.name());
        }
        names.sort(null);
        return names;
    }

    public boolean vhostExists(String name) {
        return broker.vhost(name) != null;
    }

    /** Creates a vhost (existing is fine); returns true when it is new. */
    public boolean addVhost(String name) {
        rule(() -> DefinitionRules.vhostName(name));
        boolean exists = broker.vhost(name) != null;
        broker.addVhost(name);
        return !exists;
    }

    public void deleteVhost(String name) {
        if (!broker.removeVhost(name)) {
            throw AdminException.notFound("no vhost '%s'", name);
        }
        for (User u : broker.users().users()) {
            broker.users().clearPermission(u.name(), name);
        }
    }

    // ---- users ----

    public List<UserView> users() {
        List<UserView> out = new ArrayList<>();
        for (User u : broker.users().users()) {
            out.add(view(u));
        }
        out.sort(Comparator.comparing(UserView::name));
        return out;
    }

    public UserView user(String name) {
        User u = broker.users().user(name);
        return u == null ? null : view(u);
    }

    private static UserView view(User u) {
        return new UserView(u.name(), u.password().base64(), u.password().algorithm(), u.tags());
    }

    /** The user if the password is right, else null. */
    public UserView authenticate(String name, String password) {
        User u = broker.users().authenticate(name, password);
        return u == null ? null : view(u);
    }

    /**
     * Creates or replaces a user, from a password or a RabbitMQ password hash; with neither the user cannot log
     * in (as in RabbitMQ). Returns true when it is new.
     */
    public boolean putUser(String name, String password, String passwordHash, String hashingAlgorithm,
                           Set<String> tags) {
        rule(() -> DefinitionRules.userName(name));
        PasswordHash hash;
        try {
            if (password != null) {
                hash = PasswordHash.of(password);
            } else if (passwordHash != null && !passwordHash.isEmpty()) {
                hash = PasswordHash.fromBase64(passwordHash, hashingAlgorithm);
            } else {
                hash = PasswordHash.fromBase64("", hashingAlgorithm);
            }
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("user '%s': %s", name, e.getMessage());
        }
        boolean created = broker.users().user(name) == null;
        broker.users().put(new User(name, hash, Set.copyOf(tags)));
        return created;
    }

    public void deleteUser(String name) {
        if (!broker.users().deleteUser(name)) {
            throw AdminException.notFound("no user '%s'", name);
        }
    }

    // ---- permissions ----

    public List<PermissionView> permissions() {
        List<PermissionView> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Permission>> byUser : broker.users().permissions().entrySet()) {
            for (Map.Entry<String, Permission> e : byUser.getValue().entrySet()) {
                Permission p = e.getValue();
                out.add(new PermissionView(byUser.getKey(), e.getKey(), p.configure(), p.write(), p.read()));
            }
        }
        out.sort(Comparator.comparing(PermissionView::vhost).thenComparing(PermissionView::user));
        return out;
    }

    public PermissionView permission(String user, String vhost) {
        Permission p = broker.users().permission(user, vhost);
        return p == null ? null : new PermissionView(user, vhost, p.configure(), p.write(), p.read());
    }

    public void setPermission(String user, String vhost, String configure, String write, String read) {
        if (broker.users().user(user) == null) {
            throw AdminException.badRequest("no user '%s'", user);
        }
        if (broker.vhost(vhost) == null) {
            throw AdminException.badRequest("no vhost '%s'", vhost);
        }
        Permission p = rule(() -> DefinitionRules.permission(configure, write, read));
        broker.users().setPermission(user, vhost, p);
    }

    /** A shared rule's refusal as a bad request, its reason kept. */
    static <T> T rule(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
    }

    public void clearPermission(String user, String vhost) {
        if (!broker.users().clearPermission(user, vhost)) {
            throw AdminException.notFound("no permission for user '%s' in vhost '%s'", user, vhost);
        }
    }

    /** Whether the user may log in from this address (guest only from localhost, as in RabbitMQ). */
    public boolean allowsLoginFrom(String user, java.net.InetAddress peer) {
        return broker.loopbackUsers().allows(user, peer);
    }

    /** Whether the user has any permission in the vhost. */
    public boolean hasAccess(String user, String vhost) {
        return broker.users().permission(user, vhost) != null;
    }

    /** Whether the user may configure, write or read the named resource in the vhost. */
    public boolean permits(String user, String vhost, Access access, String resource) {
        Permission p = broker.users().permission(user, vhost);
        if (p == null) {
            return false;
        }
        return switch (access) {
            case CONFIGURE -> p.canConfigure(resource);
            case WRITE -> p.canWrite(resource);
            case READ -> p.canRead(resource);
        };
    }
}
