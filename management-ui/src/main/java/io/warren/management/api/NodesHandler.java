package io.warren.management.api;

import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.List;

/** GET /api/nodes and /api/nodes/{name}: the one node Warren is, for monitoring users as in RabbitMQ. */
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
        return ApiResponse.ok(List.of(NodeJson.of(ctx)));
    }

    private ApiResponse get(ApiRequest req) {
        Authorizer.requireMonitor(req.user());
        if (!ctx.admin().nodeName().equals(req.param("name"))) {
            throw ApiException.notFound("no node '" + req.param("name") + "' (this one is '"
                    + ctx.admin().nodeName() + "')");
        }
        return ApiResponse.ok(NodeJson.of(ctx));
    }
}
