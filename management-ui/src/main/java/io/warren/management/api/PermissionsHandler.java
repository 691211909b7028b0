package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.PermissionView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AccessJson;
import io.warren.management.json.Json;

/** /api/permissions: administrators only, as in RabbitMQ. */
final class PermissionsHandler {
    private final ApiContext ctx;

    PermissionsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/permissions", this::list);
        r.add("GET", "/api/vhosts/{vhost}/permissions", this::listVhost);
        r.add("GET", "/api/permissions/{vhost}/{user}", this::get);
        r.add("PUT", "/api/permissions/{vhost}/{user}", this::put);
        r.add("DELETE", "/api/permissions/{vhost}/{user}", this::delete);
    }

    private ApiResponse list(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        return ListQuery.respond(req,
                ctx.admin().access().permissions().stream().map(AccessJson::permission).toList());
    }

    private ApiResponse listVhost(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        return ApiResponse.ok(ctx.admin().access().permissions().stream()
                .filter(p -> p.vhost().equals(req.param("vhost"))).map(AccessJson::permission).toList());
    }

    private ApiResponse get(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        PermissionView p = ctx.admin().access().permission(req.param("user"), req.param("vhost"));
        if (p == null) {
            throw ApiException.notFound("no permission for user '" + req.param("user") + "' in vhost '"
                    + req.param("vhost") + "'");
        }
        return ApiResponse.ok(AccessJson.permission(p));
    }

    private ApiResponse put(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode body = req.json();
        boolean created = ctx.admin().access().permission(req.param("user"), req.param("vhost")) == null;
        ctx.admin().access().setPermission(req.param("user"), req.param("vhost"),
                Json.requiredText(body, "configure"), Json.requiredText(body, "write"),
                Json.requiredText(body, "read"));
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.admin().access().clearPermission(req.param("user"), req.param("vhost"));
        return ApiResponse.noContent();
    }
}
