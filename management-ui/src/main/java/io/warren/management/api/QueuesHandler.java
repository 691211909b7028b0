package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.AccessAdmin.Access;
import io.warren.broker.admin.NodeConsumerView;
import io.warren.broker.admin.QueueView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AmqpValues;
import io.warren.management.json.Json;
import java.util.ArrayList;
import java.util.List;

/** /api/queues: list, show (with consumers), declare, delete, and purge (DELETE .../contents). */
final class QueuesHandler {
    private final ApiContext ctx;

    QueuesHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/queues", this::listAll);
        r.add("GET", "/api/queues/{vhost}", this::listVhost);
        r.add("GET", "/api/queues/{vhost}/{name}", this::get);
        r.add("PUT", "/api/queues/{vhost}/{name}", this::put);
        r.add("DELETE", "/api/queues/{vhost}/{name}", this::delete);
        r.add("DELETE", "/api/queues/{vhost}/{name}/contents", this::purge);
    }

    private ApiResponse listAll(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        List<QueueView> queues = new ArrayList<>();
        for (String v : ctx.auth().visibleVhosts(req.user())) {
            queues.addAll(ctx.admin().topology().queues(v));
        }
        return query.respond(queues, QueueView::name, ctx.queueJson()::summary);
    }

    private ApiResponse listVhost(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        return query.respond(ctx.admin().topology().queues(v), QueueView::name, ctx.queueJson()::summary);
    }

    static QueueView existing(ApiContext ctx, String vhost, String name) {
        QueueView q = ctx.admin().topology().queue(vhost, name);
        if (q == null) {
            throw ApiException.notFound("no queue '" + name + "' in vhost '" + vhost + "'");
        }
        return q;
    }

    private ApiResponse get(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        QueueView q = existing(ctx, v, req.param("name"));
        // as RabbitMQ: the consumers of every node, whichever node is asked
        List<NodeConsumerView> consumers = new ArrayList<>(ctx.admin().connections().consumers(
                ctx.admin().nodeName(), v, q.name()));
        consumers.addAll(ctx.admin().cluster().otherNodesConsumers(v, q.name()));
        return ApiResponse.ok(ctx.queueJson().detail(q, consumers));
    }

    private ApiResponse put(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        ctx.auth().require(req.user(), v, Access.CONFIGURE, name);
        JsonNode body = req.json();
        boolean created = ctx.admin().topology().queue(v, name) == null;
        ctx.admin().topology().declareQueue(v, name, Json.bool(body, "durable", true),
                Json.bool(body, "auto_delete", false), AmqpValues.table(body.get("arguments"), "arguments"));
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse delete(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        ctx.auth().require(req.user(), v, Access.CONFIGURE, name);
        existing(ctx, v, name);
        ApiContext.await(ctx.admin().topology().deleteQueue(v, name, "true".equals(req.queryParam("if-unused")),
                "true".equals(req.queryParam("if-empty"))));
        return ApiResponse.noContent();
    }

    private ApiResponse purge(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        ctx.auth().require(req.user(), v, Access.READ, name);
        existing(ctx, v, name);
        ApiContext.await(ctx.admin().messages().purge(v, name));
        return ApiResponse.noContent();
    }
}
