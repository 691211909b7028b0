package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.ClusterNodeView;
import io.warren.broker.admin.ClusterView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/cluster (the members as this node sees them), POST /api/cluster/nodes (add a started node, as
 * rabbitmqctl join_cluster) and DELETE /api/cluster/nodes/{name} (remove one, as forget_cluster_node).
 */
final class ClusterHandler {
    private final ApiContext ctx;

    ClusterHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/cluster", this::status);
        r.add("POST", "/api/cluster/nodes", this::add);
        r.add("DELETE", "/api/cluster/nodes/{name}", this::remove);
    }

    private ClusterView cluster() {
        return ctx.admin().cluster();
    }

    private ApiResponse status(ApiRequest req) {
        Authorizer.requireMonitor(req.user());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", cluster().nodeName());
        out.put("clustered", cluster().clustered());
        List<ClusterNodeView> nodes = cluster().nodes();
        out.put("nodes", nodes.stream().map(ClusterHandler::node).toList());
        out.put("leader", nodes.stream().filter(n -> n.role().equals("leader")).map(ClusterNodeView::name)
                .findFirst().orElse(null));
        return ApiResponse.ok(out);
    }

    private static Map<String, Object> node(ClusterNodeView n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", n.name());
        out.put("address", n.address());
        out.put("role", n.role());
        out.put("self", n.self());
        out.put("reachable", n.reachable());
        return out;
    }

    private ApiResponse add(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        JsonNode body = req.json();
        String name = text(body, "name");
        String address = text(body, "address");
        cluster().addNode(name, address);
        return ApiResponse.created();
    }

    private ApiResponse remove(ApiRequest req) {
        ctx.auth().requireAdmin(req.user());
        cluster().removeNode(req.param("name"));
        return ApiResponse.noContent();
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required: the node's name and the host:port of its "
                    + "cluster traffic (--cluster-port), e.g. {\"name\": \"d\", \"address\": \"host:7004\"}");
        }
        return n.asText();
    }
}
