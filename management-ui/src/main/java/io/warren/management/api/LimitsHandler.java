package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/vhost-limits and /api/user-limits: listed as RabbitMQ lists them, set and cleared one limit at a time. */
final class LimitsHandler {
    private final ApiContext ctx;

    LimitsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/vhost-limits", this::listVhosts);
        r.add("GET", "/api/vhost-limits/{vhost}", this::listVhost);
        r.add("PUT", "/api/vhost-limits/{vhost}/{name}", this::putVhost);
        r.add("DELETE", "/api/vhost-limits/{vhost}/{name}", this::deleteVhost);
        r.add("GET", "/api/user-limits", this::listUsers);
        r.add("GET", "/api/user-limits/{user}", this::listUser);
        r.add("PUT", "/api/user-limits/{user}/{name}", this::putUser);
        r.add("DELETE", "/api/user-limits/{user}/{name}", this::deleteUser);
    }

    private List<Map<String, Object>> vhostLimits(ApiRequest req, String only) {
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.admin().settings().vhostLimits().forEach((v, limits) -> {
            if ((only == null || only.equals(v)) && ctx.auth().canSee(req.user(), v)) {
                out.add(entry("vhost", v, limits));
            }
        });
        return out;
    }

    private static Map<String, Object> entry(String key, String owner, JsonNode limits) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, owner);
        m.put("value", limits);
        return m;
    }

    private ApiResponse listVhosts(ApiRequest req) {
        return ListQuery.respond(req, vhostLimits(req, null));
    }

    private ApiResponse listVhost(ApiRequest req) {
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        return ApiResponse.ok(vhostLimits(req, req.param("vhost")));
    }

    /** The body's "value", which RabbitMQ requires. */
    private static JsonNode value(ApiRequest req) {
        JsonNode v = req.json().get("value");
        if (v == null || v.isNull()) {
            throw ApiException.badRequest("'value' is required");
        }
        return v;
    }

    private ApiResponse putVhost(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.admin().settings().setVhostLimit(req.param("vhost"), req.param("name"), value(req));
        return ApiResponse.noContent();
    }

    private ApiResponse deleteVhost(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.admin().settings().clearVhostLimit(req.param("vhost"), req.param("name"));
        return ApiResponse.noContent();
    }

    private ApiResponse listUsers(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.admin().settings().userLimits().forEach((u, limits) -> out.add(entry("user", u, limits)));
        return ListQuery.respond(req, out);
    }

    private ApiResponse listUser(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        String user = req.param("user");
        JsonNode limits = ctx.admin().settings().userLimits().get(user);
        return ApiResponse.ok(limits == null ? List.of() : List.of(entry("user", user, limits)));
    }

    private ApiResponse putUser(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.admin().settings().setUserLimit(req.param("user"), req.param("name"), value(req));
        return ApiResponse.noContent();
    }

    private ApiResponse deleteUser(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.admin().settings().clearUserLimit(req.param("user"), req.param("name"));
        return ApiResponse.noContent();
    }
}
