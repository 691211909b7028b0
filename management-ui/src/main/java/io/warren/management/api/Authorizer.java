package io.warren.management.api;

import io.warren.broker.admin.AccessAdmin;
import io.warren.broker.admin.PermissionView;
import io.warren.broker.admin.UserView;
import io.warren.management.http.ApiException;
import java.util.List;
import java.util.Set;

/**
 * What each user may see and do, by RabbitMQ's tags: administrator does everything; monitoring sees every vhost
 * and connection; management sees only vhosts it has permissions in (others look absent: 404); policymaker is
 * management plus policies. Changing a resource in a vhost also needs the matching configure/write/read
 * permission, except for administrators.
 */
public final class Authorizer {
    public static final Set<String> MANAGEMENT_TAGS = Set.of("administrator", "monitoring", "policymaker",
            "management");

    private final AccessAdmin access;

    public Authorizer(AccessAdmin access) {
        this.access = access;
    }

    public static boolean mayUseManagement(UserView u) {
        return u.tags().stream().anyMatch(MANAGEMENT_TAGS::contains);
    }

    public static boolean isAdmin(UserView u) {
        return u.hasTag("administrator");
    }

    public static boolean isMonitor(UserView u) {
        return isAdmin(u) || u.hasTag("monitoring");
    }

    public void requireAdmin(UserView u) {
        if (!isAdmin(u)) {
            throw ApiException.forbidden("administrator tag required");
        }
    }

    /**
     * For endpoints that are administrators' alone whatever the vhost (definitions export and import): anyone else
     * gets RabbitMQ's answer, 401 "Not administrator user", before the request is even read.
     */
    public void requireAdministratorUser(UserView u) {
        if (!isAdmin(u)) {
            throw ApiException.unauthorized("Not administrator user");
        }
    }

    /** /metrics when it is protected: monitoring or administrator, as RabbitMQ's is_authorized_monitor. */
    public static void requireMonitor(UserView u) {
        if (!isMonitor(u)) {
            throw ApiException.unauthorized("Not monitor user");
        }
    }

    public boolean canSee(UserView u, String vhost) {
        return isMonitor(u) || access.hasAccess(u.name(), vhost);
    }

    /** The vhost exists and the user may see it; otherwise 404, so that hidden vhosts do not even show as such. */
    public void requireVisible(UserView u, String vhost) {
        if (!access.vhostExists(vhost) || !canSee(u, vhost)) {
            throw ApiException.notFound("no vhost '" + vhost + "'");
        }
    }

    public List<String> visibleVhosts(UserView u) {
        return access.vhosts().stream().filter(v -> canSee(u, v)).toList();
    }

    /** The user may act on the resource in the vhost (which it must be able to see). */
    public void require(UserView u, String vhost, AccessAdmin.Access kind, String resource) {
        requireVisible(u, vhost);
        if (isAdmin(u)) {
            return;
        }
        if (!access.permits(u.name(), vhost, kind, resource)) {
            throw ApiException.forbidden("access to '" + resource + "' in vhost '" + vhost + "' refused for user '"
                    + u.name() + "' (" + kind.name().toLowerCase() + ")");
        }
    }

    /** Whether the user may write to any queue of the vhost (re-drive's targets are known only as it runs). */
    public boolean isAdminOrWritesAll(UserView u, String vhost) {
        if (isAdmin(u)) {
            return true;
        }
        PermissionView p = access.permission(u.name(), vhost);
        return p != null && ".*".equals(p.write());
    }

    /** Policies: administrators, and policymakers in vhosts they have permissions in. */
    public void requirePolicyMaker(UserView u, String vhost) {
        requireVisible(u, vhost);
        if (!isAdmin(u) && !(u.hasTag("policymaker") && access.hasAccess(u.name(), vhost))) {
            throw ApiException.forbidden("policymaker or administrator tag required");
        }
    }
}
