package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.UserView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AccessJson;
import io.warren.management.json.Json;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** /api/users: administrators only. */
final class UsersHandler {
    private final ApiContext ctx;

    UsersHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/users", this::list);
        r.add("GET", "/api/users/{user}", this::get);
        r.add("PUT", "/api/users/{user}", this::put);
        r.add("DELETE", "/api/users/{user}", this::delete);
        r.add("GET", "/api/users/{user}/permissions", this::permissions);
    }

    private ApiResponse list(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        return ListQuery.respond(req,
                ctx.admin().access().users().stream().map(this::json).toList());
    }

    private UserView existing(String name) {
        UserView u = ctx.admin().access().user(name);
        if (u == null) {
            throw ApiException.notFound("no user '" + name + "'");
        }
        return u;
    }

    private ApiResponse get(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        return ApiResponse.ok(json(existing(req.param("user"))));
    }

    private Map<String, Object> json(UserView u) {
        return AccessJson.user(u, ctx.admin().settings().userLimits(u.name()));
    }

    private ApiResponse put(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode body = req.json();
        boolean created = ctx.admin().access().putUser(req.param("user"), Json.text(body, "password", null),
                Json.text(body, "password_hash", null), Json.text(body, "hashing_algorithm", null),
                tags(body.get("tags")));
        return ApiResponse.createdOrUpdated(created);
    }

    /** Tags come as a comma-separated string (rabbitmqadmin, older tools) or a list (newer). */
    static Set<String> tags(JsonNode n) {
        Set<String> out = new LinkedHashSet<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(t -> out.add(t.asText().trim()));
        } else if (n.isTextual()) {
            for (String t : n.asText().split(",")) {
                if (!t.isBlank()) {
                    out.add(t.trim());
                }
            }
        } else {
            throw ApiException.badRequest("'tags' must be a string or a list, got " + n);
        }
        out.remove("");
        return out;
    }

    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        existing(req.param("user"));
        ctx.admin().access().deleteUser(req.param("user"));
        return ApiResponse.noContent();
    }

    private ApiResponse permissions(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        existing(req.param("user"));
        return ApiResponse.ok(ctx.admin().access().permissions().stream()
                .filter(p -> p.user().equals(req.param("user"))).map(AccessJson::permission).toList());
    }

}
