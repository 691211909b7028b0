package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ExchangeView;
import io.warren.broker.admin.QueueView;
import io.warren.broker.admin.VhostMetadataView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AccessJson;
import io.warren.management.json.AmqpValues;
import io.warren.management.json.TopologyJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/definitions: export (GET) and import (POST) in RabbitMQ's format; /api/definitions/vhost for one vhost.
 * Both forms are for administrators only, as in RabbitMQ: a file holds policies, parameters and bindings that a
 * vhost's configure permission alone does not allow (a policy can empty someone else's queue, a binding can copy
 * the messages of an exchange one may not read). An administrator's file is validated as the single calls are.
 */
final class DefinitionsHandler {
    private final ApiContext ctx;

    DefinitionsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/definitions", this::export);
        r.addLargeBody("POST", "/api/definitions", this::importAll);
        r.add("GET", "/api/definitions/{vhost}", this::exportVhost);
        r.addLargeBody("POST", "/api/definitions/{vhost}", this::importVhost);
    }

    private ApiResponse export(ApiRequest req) {
        ctx.auth().requireAdministratorUser(req.user());
        BrokerAdmin admin = ctx.admin();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rabbit_version", OverviewHandler.RABBITMQ_API_VERSION);
        out.put("rabbitmq_version", OverviewHandler.RABBITMQ_API_VERSION);
        out.put("product_name", "Warren");
        out.put("product_version", OverviewHandler.PRODUCT_VERSION);
        out.put("users", admin.access().users().stream()
                .map(u -> AccessJson.user(u, admin.settings().userLimits(u.name()))).map(u -> {
            Map<String, Object> m = new LinkedHashMap<>(u);
            m.remove("tags");
            // definitions files carry tags as a list since RabbitMQ 3.9; older ones as a string, both load
            m.put("tags", u.get("tags"));
            return m;
        }).toList());
        out.put("vhosts", admin.access().vhosts().stream().map(this::vhost).toList());
        out.put("permissions", admin.access().permissions().stream().map(AccessJson::permission).toList());
        out.put("topic_permissions", admin.settings().topicPermissions().stream().map(AccessJson::topicPermission)
                .toList());
        out.put("parameters", admin.settings().parameters().stream().map(ParametersHandler::json).toList());
        List<Map<String, Object>> globals = new ArrayList<>();
        admin.settings().globalParameters().forEach((n, v) -> globals.add(ParametersHandler.globalJson(n, v)));
        out.put("global_parameters", globals);
        out.put("policies", admin.policies().policies().stream().map(AccessJson::policy).toList());
        List<Map<String, Object>> queues = new ArrayList<>();
        List<Map<String, Object>> exchanges = new ArrayList<>();
        List<Map<String, Object>> bindings = new ArrayList<>();
        for (String v : admin.access().vhosts()) {
            collect(v, queues, exchanges, bindings, true);
        }
        out.put("queues", queues);
        out.put("exchanges", exchanges);
        out.put("bindings", bindings);
        return ApiResponse.ok(out);
    }

    /** A vhost as RabbitMQ 3.11+ exports it: metadata both at the top and under "metadata". */
    private Map<String, Object> vhost(String name) {
        VhostMetadataView m = ctx.admin().settings().vhostMetadata(name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("description", m.description());
        out.put("tags", m.tags());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("description", m.description());
        metadata.put("tags", m.tags());
        if (m.defaultQueueType() != null) {
            out.put("default_queue_type", m.defaultQueueType());
            metadata.put("default_queue_type", m.defaultQueueType());
        }
        out.put("metadata", metadata);
        return out;
    }

    private void collect(String v, List<Map<String, Object>> queues, List<Map<String, Object>> exchanges,
                         List<Map<String, Object>> bindings, boolean withVhost) {
        for (QueueView q : ctx.admin().topology().queues(v)) {
            if (q.exclusive()) {
                continue; // they belong to a connection and are not definitions
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", q.name());
            if (withVhost) {
                m.put("vhost", v);
            }
            m.put("durable", q.durable());
            m.put("auto_delete", q.autoDelete());
            m.put("arguments", AmqpValues.toJson(q.arguments()));
            queues.add(m);
        }
        for (ExchangeView x : ctx.admin().topology().exchanges(v)) {
            if (x.name().isEmpty() || x.name().startsWith("amq.")) {
                continue;
            }
            Map<String, Object> m = TopologyJson.exchange(x);
            m.remove("user_who_performed_action");
            m.remove("policy"); // the policies are exported themselves
            if (!withVhost) {
                m.remove("vhost");
            }
            exchanges.add(m);
        }
        ctx.admin().topology().bindings(v).stream().filter(b -> !b.source().isEmpty()).forEach(b -> {
            Map<String, Object> m = TopologyJson.binding(b);
            m.remove("properties_key");
            if (!withVhost) {
                m.remove("vhost");
            }
            bindings.add(m);
        });
    }

    private ApiResponse exportVhost(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireAdministratorUser(req.user());
        ctx.auth().requireVisible(req.user(), v);
        List<Map<String, Object>> queues = new ArrayList<>();
        List<Map<String, Object>> exchanges = new ArrayList<>();
        List<Map<String, Object>> bindings = new ArrayList<>();
        collect(v, queues, exchanges, bindings, false);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rabbit_version", OverviewHandler.RABBITMQ_API_VERSION);
        out.put("rabbitmq_version", OverviewHandler.RABBITMQ_API_VERSION);
        // RabbitMQ keeps the vhost in a vhost's parameters; an import into another vhost replaces it
        out.put("parameters", ctx.admin().settings().parameters().stream().filter(p -> p.vhost().equals(v))
                .map(ParametersHandler::json).toList());
        out.put("policies", ctx.admin().policies().policies().stream().filter(p -> p.vhost().equals(v))
                .map(AccessJson::policy).map(p -> {
                    Map<String, Object> m = new LinkedHashMap<>(p);
                    m.remove("vhost");
                    return m;
                }).toList());
        out.put("queues", queues);
        out.put("exchanges", exchanges);
        out.put("bindings", bindings);
        return ApiResponse.ok(out);
    }

    private ApiResponse importAll(ApiRequest req) {
        ctx.auth().requireAdministratorUser(req.user());
        ctx.admin().importDefinitions(req.json());
        return ApiResponse.noContent();
    }

    /** A vhost's definitions (queues, exchanges, bindings, policies) go into that vhost, whatever they say. */
    private ApiResponse importVhost(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().requireAdministratorUser(req.user());
        ctx.auth().requireVisible(req.user(), v);
        JsonNode body = req.json();
        ObjectNode scoped = body.deepCopy();
        scoped.remove(List.of("users", "vhosts", "permissions", "topic_permissions", "global_parameters"));
        for (String section : List.of("queues", "exchanges", "bindings", "policies", "parameters")) {
            JsonNode list = scoped.get(section);
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw ApiException.badRequest("'" + section + "' must be an array");
            }
            for (JsonNode item : list) {
                if (!item.isObject()) {
                    throw ApiException.badRequest("'" + section + "' must hold objects");
                }
                ((ObjectNode) item).put("vhost", v);
            }
        }
        ctx.admin().importDefinitions(scoped);
        return ApiResponse.noContent();
    }
}
