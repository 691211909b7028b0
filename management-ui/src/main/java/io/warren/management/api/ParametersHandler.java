package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.ParameterView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * /api/parameters and /api/global-parameters. Vhost limits (component "vhost-limits") are applied; every other
 * parameter is kept and exported for RabbitMQ's tools, but no Warren plugin acts on it.
 */
final class ParametersHandler {
    private final ApiContext ctx;

    ParametersHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/parameters", req -> list(req, p -> true));
        r.add("GET", "/api/parameters/{component}", req -> list(req,
                p -> p.component().equals(req.param("component"))));
        r.add("GET", "/api/parameters/{component}/{vhost}", req -> list(req,
                p -> p.component().equals(req.param("component")) && p.vhost().equals(req.param("vhost"))));
        r.add("GET", "/api/parameters/{component}/{vhost}/{name}", this::get);
        r.add("PUT", "/api/parameters/{component}/{vhost}/{name}", this::put);
        r.add("DELETE", "/api/parameters/{component}/{vhost}/{name}", this::delete);
        r.add("GET", "/api/global-parameters", this::listGlobal);
        r.add("GET", "/api/global-parameters/{name}", this::getGlobal);
        r.add("PUT", "/api/global-parameters/{name}", this::putGlobal);
        r.add("DELETE", "/api/global-parameters/{name}", this::deleteGlobal);
    }

    /** A parameter as RabbitMQ shows one (and as definitions files carry it). */
    static Map<String, Object> json(ParameterView p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", p.value());
        m.put("vhost", p.vhost());
        m.put("component", p.component());
        m.put("name", p.name());
        return m;
    }

    static Map<String, Object> globalJson(String name, JsonNode value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("value", value);
        return m;
    }

    private ApiResponse list(ApiRequest req, Predicate<ParameterView> filter) {
        return ListQuery.respond(req, ctx.admin().settings().parameters().stream().filter(filter)
                .filter(p -> ctx.auth().canSee(req.user(), p.vhost())).map(ParametersHandler::json).toList());
    }

    private ApiResponse get(ApiRequest req) {
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        ParameterView p = ctx.admin().settings().parameter(req.param("vhost"), req.param("component"),
                req.param("name"));
        if (p == null) {
            throw ApiException.notFound("no parameter '" + req.param("name") + "' of component '"
                    + req.param("component") + "' in vhost '" + req.param("vhost") + "'");
        }
        return ApiResponse.ok(json(p));
    }

    private static JsonNode value(ApiRequest req) {
        JsonNode v = req.json().get("value");
        if (v == null || v.isNull()) {
            throw ApiException.badRequest("'value' is required");
        }
        return v;
    }

    private ApiResponse put(ApiRequest req) {
        String vhost = req.param("vhost");
        ctx.auth().requirePolicyMaker(req.user(), vhost);
        boolean created = ctx.admin().settings().parameter(vhost, req.param("component"), req.param("name")) == null;
        ctx.admin().settings().setParameter(vhost, req.param("component"), req.param("name"), value(req));
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requirePolicyMaker(req.user(), req.param("vhost"));
        ctx.admin().settings().clearParameter(req.param("vhost"), req.param("component"), req.param("name"));
        return ApiResponse.noContent();
    }

    private ApiResponse listGlobal(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.admin().settings().globalParameters().forEach((n, v) -> out.add(globalJson(n, v)));
        return ListQuery.respond(req, out);
    }

    private ApiResponse getGlobal(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode v = ctx.admin().settings().globalParameters().get(req.param("name"));
        if (v == null) {
            throw ApiException.notFound("no global parameter '" + req.param("name") + "'");
        }
        return ApiResponse.ok(globalJson(req.param("name"), v));
    }

    private ApiResponse putGlobal(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        boolean created = !ctx.admin().settings().globalParameters().containsKey(req.param("name"));
        ctx.admin().settings().setGlobalParameter(req.param("name"), value(req));
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse deleteGlobal(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        ctx.admin().settings().clearGlobalParameter(req.param("name"));
        return ApiResponse.noContent();
    }
}
