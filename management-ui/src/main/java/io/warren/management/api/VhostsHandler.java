package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.QueueTotalsView;
import io.warren.broker.admin.VhostMetadataView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.Json;
import io.warren.management.json.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/vhosts: list, show, create, delete. */
final class VhostsHandler {
    private final ApiContext ctx;

    VhostsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/vhosts", this::list);
        r.add("GET", "/api/vhosts/{vhost}", this::get);
        r.add("PUT", "/api/vhosts/{vhost}", this::put);
        r.add("DELETE", "/api/vhosts/{vhost}", this::delete);
    }

    private ApiResponse list(ApiRequest req) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String v : ctx.auth().visibleVhosts(req.user())) {
            out.add(view(v));
        }
        return ListQuery.respond(req, out);
    }

    private Map<String, Object> view(String vhost) {
        QueueTotalsView totals = ctx.admin().topology().queueTotals(vhost);
        long ready = totals.ready();
        long unacked = totals.unacked();
        String k = "vhost." + vhost + ".";
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", vhost);
        VhostMetadataView m = ctx.admin().settings().vhostMetadata(vhost);
        out.put("description", m.description());
        out.put("tags", m.tags());
        // as RabbitMQ 3.10 shows a vhost whose default queue type was never set
        out.put("default_queue_type", m.defaultQueueType() == null ? "undefined" : m.defaultQueueType());
        out.put("metadata", Map.of("description", m.description(), "tags", m.tags()));
        out.put("tracing", false);
        Stats.put(out, "messages", ready + unacked, ctx.rates().rate(k + "messages"));
        Stats.put(out, "messages_ready", ready, ctx.rates().rate(k + "messages_ready"));
        Stats.put(out, "messages_unacknowledged", unacked, ctx.rates().rate(k + "messages_unacknowledged"));
        return out;
    }

    private ApiResponse get(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        return ApiResponse.ok(view(v));
    }

    private ApiResponse put(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode body = req.json();
        String v = req.param("vhost");
        boolean created = ctx.admin().access().addVhost(v);
        if (created) {
            // as RabbitMQ does, the creator gets full permissions in the new vhost
            ctx.admin().access().setPermission(req.user().name(), v, ".*", ".*", ".*");
        }
        if (body.has("description") || body.has("tags") || body.has("default_queue_type")) {
            VhostMetadataView old = ctx.admin().settings().vhostMetadata(v);
            ctx.admin().settings().setVhostMetadata(v, Json.text(body, "description", old.description()),
                    body.has("tags") ? List.copyOf(UsersHandler.tags(body.get("tags"))) : old.tags(),
                    Json.text(body, "default_queue_type", old.defaultQueueType()));
        }
        return ApiResponse.createdOrUpdated(created);
    }

    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        String v = req.param("vhost");
        if (!ctx.admin().access().vhostExists(v)) {
            throw ApiException.notFound("no vhost '" + v + "'");
        }
        ctx.admin().deleteVhost(v);
        return ApiResponse.noContent();
    }
}
