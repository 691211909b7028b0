package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.AccessAdmin.Access;
import io.warren.broker.admin.DelayedMessageView;
import io.warren.broker.admin.ExchangeView;
import io.warren.broker.admin.TopologyAdmin;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AmqpValues;
import io.warren.management.json.Json;
import io.warren.management.json.TopologyJson;
import java.util.ArrayList;
import java.util.List;

/** /api/exchanges: list, show, declare, delete. The default exchange is "amq.default" in URLs. */
final class ExchangesHandler {
    private final ApiContext ctx;

    ExchangesHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/exchanges", this::listAll);
        r.add("GET", "/api/exchanges/{vhost}", this::listVhost);
        r.add("GET", "/api/exchanges/{vhost}/{name}", this::get);
        r.add("PUT", "/api/exchanges/{vhost}/{name}", this::put);
        r.add("DELETE", "/api/exchanges/{vhost}/{name}", this::delete);
        r.add("GET", "/api/exchanges/{vhost}/{name}/delayed", this::delayed);
    }

    private ApiResponse listAll(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        List<ExchangeView> exchanges = new ArrayList<>();
        for (String v : ctx.auth().visibleVhosts(req.user())) {
            exchanges.addAll(ctx.admin().topology().exchanges(v));
        }
        return query.respond(exchanges, ExchangeView::name, TopologyJson::exchange);
    }

    private ApiResponse listVhost(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        return query.respond(ctx.admin().topology().exchanges(v), ExchangeView::name, TopologyJson::exchange);
    }

    private ApiResponse get(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        ExchangeView x = ctx.admin().topology().exchange(v, req.param("name"));
        if (x == null) {
            throw ApiException.notFound("no exchange '" + req.param("name") + "' in vhost '" + v + "'");
        }
        return ApiResponse.ok(TopologyJson.exchange(x));
    }

    /** Beyond RabbitMQ: the soonest messages an x-delayed-message exchange holds (?limit=N, default 100). */
    private ApiResponse delayed(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        int limit = DelayedJson.limit(req.queryParam("limit"));
        List<DelayedMessageView> found = ApiContext.await(
                ctx.admin().topology().delayedMessages(v, req.param("name"), limit));
        return ApiResponse.ok(found.stream().map(DelayedJson::message).toList());
    }

    private ApiResponse put(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        ctx.auth().require(req.user(), v, Access.CONFIGURE, name);
        JsonNode body = req.json();
        String type = Json.text(body, "type", null);
        if (type == null || type.isEmpty()) {
            throw ApiException.badRequest("'type' is required (one of "
                    + String.join(", ", ctx.admin().topology().exchangeTypes()) + ")");
        }
        boolean created = ctx.admin().topology().exchange(v, name) == null;
        ctx.admin().topology().declareExchange(v, name, type, Json.bool(body, "durable", true),
                Json.bool(body, "auto_delete", false), Json.bool(body, "internal", false),
                AmqpValues.table(body.get("arguments"), "arguments"));
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse delete(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        ctx.auth().require(req.user(), v, Access.CONFIGURE, name);
        if (TopologyAdmin.DEFAULT_EXCHANGE_ALIAS.equals(name)) {
            throw ApiException.forbidden("the default exchange cannot be deleted");
        }
        ctx.admin().topology().deleteExchange(v, name, "true".equals(req.queryParam("if-unused")));
        return ApiResponse.noContent();
    }
}
