package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.PolicyView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AccessJson;
import io.warren.management.json.Json;
import java.util.Map;

/** /api/policies: set, listed and cleared; the broker validates them as RabbitMQ does and applies them. */
final class PoliciesHandler {

    private final ApiContext ctx;

    PoliciesHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/policies", this::list);
        r.add("GET", "/api/policies/{vhost}", this::listVhost);
        r.add("GET", "/api/policies/{vhost}/{name}", this::get);
        r.add("PUT", "/api/policies/{vhost}/{name}", this::put);
        r.add("DELETE", "/api/policies/{vhost}/{name}", this::delete);
        // rabbitmqadmin lists these too; Warren has none
        r.add("GET", "/api/operator-policies", req -> ApiResponse.ok(java.util.List.of()));
        r.add("GET", "/api/operator-policies/{vhost}", req -> ApiResponse.ok(java.util.List.of()));
    }

    private ApiResponse list(ApiRequest req) {
        return ListQuery.respond(req, ctx.admin().policies().policies().stream()
                .filter(p -> ctx.auth().canSee(req.user(), p.vhost())).map(AccessJson::policy).toList());
    }

    private ApiResponse listVhost(ApiRequest req) {
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        return ListQuery.respond(req, ctx.admin().policies().policies().stream()
                .filter(p -> p.vhost().equals(req.param("vhost"))).map(AccessJson::policy).toList());
    }

    private ApiResponse get(ApiRequest req) {
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        PolicyView p = ctx.admin().policies().policy(req.param("vhost"), req.param("name"));
        if (p == null) {
            throw ApiException.notFound("no policy '" + req.param("name") + "'");
        }
        return ApiResponse.ok(AccessJson.policy(p));
    }

    private ApiResponse put(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requirePolicyMaker(req.user(), v);
        JsonNode body = req.json();
        String applyTo = Json.text(body, "apply-to", "all");
        JsonNode def = body.get("definition");
        if (def == null || !def.isObject()) {
            throw ApiException.badRequest("'definition' must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> definition = Json.MAPPER.convertValue(def, Map.class);
        boolean created = ctx.admin().policies().policy(v, req.param("name")) == null;
        ctx.admin().policies().put(new PolicyView(v, req.param("name"), Json.requiredText(body, "pattern"), applyTo,
                definition, Json.integer(body, "priority", 0)));
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requirePolicyMaker(req.user(), req.param("vhost"));
        ctx.admin().policies().delete(req.param("vhost"), req.param("name"));
        return ApiResponse.noContent();
    }
}
