package io.warren.management.api;

import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.broker.admin.NodeStatusView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * GET /api/nodes and /api/nodes/{name}, for monitoring users as in RabbitMQ: this node, measured now, then in a
 * cluster every other member as its last status report showed it (running false when it has gone silent).
 */
final class NodesHandler {
    private final ApiContext ctx;

    NodesHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/nodes", this::list);
        r.add("GET", "/api/nodes/{name}", this::get);
    }

    private ApiResponse list(ApiRequest req) {
        Authorizer.requireMonitor(req.user());
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(NodeJson.of(ctx));
        ctx.admin().cluster().otherNodes().stream().sorted(Comparator.comparing(NodeStatusView::name))
                .forEach(n -> out.add(NodeJson.of(ctx, n)));
        return ApiResponse.ok(out);
    }

    private ApiResponse get(ApiRequest req) {
        Authorizer.requireMonitor(req.user());
        String name = req.param("name");
        if (ctx.admin().nodeName().equals(name)) {
            return ApiResponse.ok(NodeJson.of(ctx));
        }
        List<NodeStatusView> others = ctx.admin().cluster().otherNodes();
        for (NodeStatusView n : others) {
            if (n.name().equals(name)) {
                return ApiResponse.ok(NodeJson.of(ctx, n));
            }
        }
        if (others.isEmpty()) {
            throw ApiException.notFound("no node '" + name + "' (this one is '" + ctx.admin().nodeName() + "')");
        }
        List<String> names = new ArrayList<>(List.of(ctx.admin().nodeName()));
        others.forEach(n -> names.add(n.name()));
        throw ApiException.notFound("no node '" + name + "' in the cluster (members: " + names + ")");
    }
}
