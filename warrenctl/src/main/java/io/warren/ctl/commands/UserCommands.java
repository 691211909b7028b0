package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.InfoItems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Users and their permissions: add_user, delete_user, change_password, set_user_tags, set_permissions, ... */
public final class UserCommands {
    static final InfoItems USERS = new InfoItems("users", "user", "tags").at("user", "/name").fields("tags");
    static final InfoItems PERMISSIONS = new InfoItems("permissions", "user", "configure", "write", "read")
            .fields("user", "vhost", "configure", "write", "read");
    static final InfoItems USER_PERMISSIONS = new InfoItems("user permissions", "vhost", "configure", "write",
            "read").fields("user", "vhost", "configure", "write", "read");

    private UserCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("add_user", "add_user <username> <password>",
                        "Creates a user without tags or permissions.", 2, 2, UserCommands::addUser),
                CommandSpec.of("delete_user", "delete_user <username>",
                        "Deletes a user (and its permissions).", 1, 1, UserCommands::deleteUser),
                CommandSpec.of("change_password", "change_password <username> <new_password>",
                        "Sets a user's password.", 2, 2, UserCommands::changePassword),
                CommandSpec.of("set_user_tags", "set_user_tags <username> [tag ...]",
                        "Replaces a user's tags (administrator, monitoring, policymaker, management, ...);"
                                + " no tags clears them.", 1, -1, UserCommands::setUserTags),
                CommandSpec.of("list_users", "list_users",
                        "Lists users and their tags.", 0, -1,
                        ctx -> ListCommands.list(ctx, USERS, "/api/users", "Listing users ...")),
                CommandSpec.of("set_permissions", "set_permissions [-p vhost] <username> <conf> <write> <read>",
                        "Grants a user configure, write and read permissions (regular expressions) in a vhost.",
                        4, 4, UserCommands::setPermissions),
                CommandSpec.of("clear_permissions", "clear_permissions [-p vhost] <username>",
                        "Takes a user's permissions in a vhost away.", 1, 1, UserCommands::clearPermissions),
                CommandSpec.of("list_permissions", "list_permissions [-p vhost]",
                        "Lists the users' permissions in a vhost.", 0, -1,
                        ctx -> ListCommands.list(ctx, PERMISSIONS,
                                "/api/vhosts/" + seg(ctx.vhost()) + "/permissions",
                                "Listing permissions for vhost \"" + ctx.vhost() + "\" ...")),
                CommandSpec.of("list_user_permissions", "list_user_permissions <username>",
                        "Lists one user's permissions in every vhost.", 1, 1, UserCommands::listUserPermissions));
    }

    /** The user as the API shows it; exit code 67 (as rabbitmqctl's no_such_user) when there is none. */
    static JsonNode user(Context ctx, String name) {
        try {
            return ctx.api().get("/api/users/" + seg(name));
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? noSuchUser(name) : e;
        }
    }

    private static CtlException noSuchUser(String name) {
        return new CtlException(ExitCodes.NO_USER, "no such user '" + name + "'");
    }

    private static int addUser(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Adding user \"" + name + "\" ...");
        try {
            ctx.api().get("/api/users/" + seg(name));
            throw CtlException.data("user '" + name + "' already exists (change_password and set_user_tags change"
                    + " one)");
        } catch (ApiClient.ApiError e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        ctx.api().put("/api/users/" + seg(name), Map.of("password", ctx.arg(1), "tags", ""));
        return ExitCodes.OK;
    }

    private static int deleteUser(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Deleting user \"" + name + "\" ...");
        try {
            ctx.api().delete("/api/users/" + seg(name));
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? noSuchUser(name) : e;
        }
        return ExitCodes.OK;
    }

    private static int changePassword(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Changing password for user \"" + name + "\" ...");
        JsonNode u = user(ctx, name);
        ctx.api().put("/api/users/" + seg(name), Map.of("password", ctx.arg(1), "tags", u.path("tags")));
        return ExitCodes.OK;
    }

    private static int setUserTags(Context ctx) {
        String name = ctx.arg(0);
        List<String> tags = ctx.args().positional().subList(1, ctx.args().positional().size());
        ctx.out().info("Setting tags for user \"" + name + "\" to [" + String.join(", ", tags) + "] ...");
        JsonNode u = user(ctx, name);
        // the stored hash goes back unchanged: the password stays what it was
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("password_hash", u.path("password_hash").asText(""));
        if (u.hasNonNull("hashing_algorithm")) {
            body.put("hashing_algorithm", u.get("hashing_algorithm").asText());
        }
        body.put("tags", tags);
        ctx.api().put("/api/users/" + seg(name), body);
        return ExitCodes.OK;
    }

    private static int setPermissions(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Setting permissions for user \"" + name + "\" in vhost \"" + ctx.vhost() + "\" ...");
        user(ctx, name);
        VhostCommands.vhost(ctx, ctx.vhost());
        ctx.api().put("/api/permissions/" + seg(ctx.vhost()) + "/" + seg(name),
                Map.of("configure", ctx.arg(1), "write", ctx.arg(2), "read", ctx.arg(3)));
        return ExitCodes.OK;
    }

    private static int clearPermissions(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Clearing permissions for user \"" + name + "\" in vhost \"" + ctx.vhost() + "\" ...");
        user(ctx, name);
        VhostCommands.vhost(ctx, ctx.vhost());
        ctx.api().delete("/api/permissions/" + seg(ctx.vhost()) + "/" + seg(name));
        return ExitCodes.OK;
    }

    private static int listUserPermissions(Context ctx) {
        String name = ctx.arg(0);
        user(ctx, name);
        ctx.out().info("Listing permissions for user \"" + name + "\" ...");
        JsonNode rows = ctx.api().get("/api/users/" + seg(name) + "/permissions");
        ctx.out().table(USER_PERMISSIONS, USER_PERMISSIONS.columns(List.of()), rows);
        return ExitCodes.OK;
    }
}
