package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.ClusterView;
import io.warren.broker.admin.QuorumMembership;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quorum queue replica management at RabbitMQ's paths: POST /api/queues/quorum/{vhost}/{name}/replicas/add and
 * DELETE .../replicas/delete (body {"node": ...}), POST /api/queues/quorum/replicas/on/{node}/grow (body
 * {"strategy": "all"|"even"}) and DELETE /api/queues/quorum/replicas/on/{node}/shrink. Warren changes a queue's
 * shard, so the answer lists every queue that gained or lost the replica. Administrators only.
 */
final class QuorumReplicasHandler {
    private final ApiContext ctx;

    QuorumReplicasHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("POST", "/api/queues/quorum/{vhost}/{name}/replicas/add", this::add);
        r.add("DELETE", "/api/queues/quorum/{vhost}/{name}/replicas/delete", this::delete);
        r.add("POST", "/api/queues/quorum/replicas/on/{node}/grow", this::grow);
        r.add("DELETE", "/api/queues/quorum/replicas/on/{node}/shrink", this::shrink);
    }

    private QuorumMembership membership() {
        ClusterView c = ctx.admin().cluster();
        if (c instanceof QuorumMembership m && c.clustered()) {
            return m;
        }
        throw ApiException.badRequest("this node is not in a cluster: quorum queue replicas cannot change");
    }

    private ApiResponse add(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        String node = node(req.json());
        return ApiResponse.ok(json(membership().addMember(req.param("vhost"), req.param("name"), node)));
    }

    private ApiResponse delete(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        String node = node(req.json());
        return ApiResponse.ok(json(membership().deleteMember(req.param("vhost"), req.param("name"), node)));
    }

    private ApiResponse grow(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode body = req.json();
        for (String pattern : List.of("vhost_pattern", "queue_pattern")) {
            String p = body.path(pattern).asText(".*");
            if (!p.equals(".*") && !p.equals(".+")) {
                throw ApiException.badRequest("'" + pattern + "' must be '.*' or left out: Warren replicates quorum "
                        + "queues in shards, so grow adds the node to whole shards (every queue in them); use "
                        + "replicas/add for the shard of one queue");
            }
        }
        String strategy = body.path("strategy").asText("all");
        return ApiResponse.ok(json(membership().grow(req.param("node"), strategy)));
    }

    private ApiResponse shrink(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        return ApiResponse.ok(json(membership().shrink(req.param("node"))));
    }

    private static String node(JsonNode body) {
        JsonNode n = body.get("node");
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw ApiException.badRequest("'node' is required: the name of the node, e.g. {\"node\": \"nodeb\"}");
        }
        return n.asText();
    }

    private static Map<String, Object> json(QuorumMembership.MembershipChange c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", c.node());
        out.put("shards", c.shards().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shard", s.shard());
            m.put("members", s.members());
            m.put("queues", s.queues().stream().map(q -> Map.of("vhost", q.vhost(), "name", q.name())).toList());
            return m;
        }).toList());
        out.put("skipped", c.skipped());
        out.put("note", "quorum queues are replicated in shards: every queue of a changed shard gained or lost the "
                + "replica");
        return out;
    }
}
