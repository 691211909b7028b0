package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.TopicPermissionView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AccessJson;
import io.warren.management.json.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** /api/topic-permissions: administrators only, as in RabbitMQ. */
final class TopicPermissionsHandler {
    private final ApiContext ctx;

    TopicPermissionsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/topic-permissions", this::list);
        r.add("GET", "/api/topic-permissions/{vhost}/{user}", this::get);
        r.add("PUT", "/api/topic-permissions/{vhost}/{user}", this::put);
        r.add("DELETE", "/api/topic-permissions/{vhost}/{user}", this::delete);
        r.add("GET", "/api/users/{user}/topic-permissions", req -> listWhere(req,
                p -> p.user().equals(req.param("user"))));
        r.add("GET", "/api/vhosts/{vhost}/topic-permissions", req -> listWhere(req,
                p -> p.vhost().equals(req.param("vhost"))));
    }

    private List<Map<String, Object>> where(Predicate<TopicPermissionView> filter) {
        return ctx.admin().settings().topicPermissions().stream().filter(filter).map(AccessJson::topicPermission)
                .toList();
    }

    private ApiResponse list(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        return ListQuery.respond(req, where(p -> true));
    }

    private ApiResponse listWhere(ApiRequest req, Predicate<TopicPermissionView> filter) {
        ctx.auth().requireAdmin(req.user());
        return ApiResponse.ok(where(filter));
    }

    private ApiResponse get(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        List<Map<String, Object>> found = where(p -> p.vhost().equals(req.param("vhost"))
                && p.user().equals(req.param("user")));
        if (found.isEmpty()) {
            throw ApiException.notFound("no topic permission for user '" + req.param("user") + "' in vhost '"
                    + req.param("vhost") + "'");
        }
        return ApiResponse.ok(found);
    }

    private ApiResponse put(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode body = req.json();
        String exchange = Json.requiredText(body, "exchange");
        boolean created = where(p -> p.vhost().equals(req.param("vhost")) && p.user().equals(req.param("user"))
                && p.exchange().equals(exchange)).isEmpty();
        ctx.admin().settings().setTopicPermission(req.param("user"), req.param("vhost"), exchange,
                Json.requiredText(body, "write"), Json.requiredText(body, "read"));
        return ApiResponse.createdOrUpdated(created);
    }

    /** Clears the user's topic permissions in the vhost: on one exchange when the body names it, else on all. */
    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        String exchange = Json.text(req.json(), "exchange", req.queryParam("exchange"));
        ctx.admin().settings().clearTopicPermission(req.param("user"), req.param("vhost"), exchange);
        return ApiResponse.noContent();
    }
}
