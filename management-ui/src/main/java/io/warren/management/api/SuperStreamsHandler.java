package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.AccessAdmin.Access;
import io.warren.broker.admin.SuperStreamView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AmqpValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/super-streams (Warren's): a super stream is made, listed and deleted in one call each, as RabbitMQ's
 * {@code rabbitmq-streams add_super_stream} does: an x-consistent-hash exchange and its partition streams.
 * Declaring needs what declaring and binding them one by one needs: configure on the exchange and each
 * partition, write on each partition and read on the exchange.
 */
final class SuperStreamsHandler {
    private final ApiContext ctx;

    SuperStreamsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/super-streams", this::listAll);
        r.add("GET", "/api/super-streams/{vhost}", this::listVhost);
        r.add("GET", "/api/super-streams/{vhost}/{name}", this::get);
        r.add("PUT", "/api/super-streams/{vhost}/{name}", this::put);
        r.add("DELETE", "/api/super-streams/{vhost}/{name}", this::delete);
    }

    private ApiResponse listAll(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        List<SuperStreamView> all = new ArrayList<>();
        for (String v : ctx.auth().visibleVhosts(req.user())) {
            all.addAll(ctx.admin().superStreams().superStreams(v));
        }
        return query.respond(all, SuperStreamView::name, SuperStreamsHandler::json);
    }

    private ApiResponse listVhost(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        return query.respond(ctx.admin().superStreams().superStreams(v), SuperStreamView::name,
                SuperStreamsHandler::json);
    }

    private ApiResponse get(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        return ApiResponse.ok(json(existing(v, req.param("name"))));
    }

    private SuperStreamView existing(String vhost, String name) {
        SuperStreamView s = ctx.admin().superStreams().superStream(vhost, name);
        if (s == null) {
            throw ApiException.notFound("no super stream '" + name + "' in vhost '" + vhost + "'");
        }
        return s;
    }

    private ApiResponse put(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        JsonNode body = req.json();
        int partitions = partitions(body);
        ctx.auth().require(req.user(), v, Access.CONFIGURE, name);
        ctx.auth().require(req.user(), v, Access.READ, name);
        for (String partition : ctx.admin().superStreams().partitionNames(v, name, partitions)) {
            ctx.auth().require(req.user(), v, Access.CONFIGURE, partition);
            ctx.auth().require(req.user(), v, Access.WRITE, partition);
        }
        boolean created = ctx.admin().superStreams().declare(v, name, partitions,
                AmqpValues.table(body.get("arguments"), "arguments"));
        return ApiResponse.createdOrUpdated(created);
    }

    private static int partitions(JsonNode body) {
        JsonNode n = body.get("partitions");
        if (n == null || n.isNull()) {
            throw ApiException.badRequest("'partitions' is required: how many streams the super stream has");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiException.badRequest("'partitions' must be an integer, got " + n);
        }
        return n.intValue();
    }

    private ApiResponse delete(ApiRequest req) {
        String v = req.param("vhost");
        String name = req.param("name");
        SuperStreamView s = existing(v, name);
        ctx.auth().require(req.user(), v, Access.CONFIGURE, name);
        for (String partition : s.partitions()) {
            ctx.auth().require(req.user(), v, Access.CONFIGURE, partition);
        }
        ApiContext.await(ctx.admin().superStreams().delete(v, name));
        return ApiResponse.noContent();
    }

    static Map<String, Object> json(SuperStreamView s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("vhost", s.vhost());
        m.put("partitions", s.partitions().size());
        m.put("partition_names", s.partitions());
        m.put("arguments", AmqpValues.toJson(s.arguments()));
        return m;
    }
}
