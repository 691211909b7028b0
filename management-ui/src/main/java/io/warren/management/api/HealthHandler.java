package io.warren.management.api;

import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.List;
import java.util.Map;

/**
 * /api/health/checks/alarms: 200 with status ok when no resource alarm is in effect in the cluster (on any running
 * member), else 503 with them; /api/health/checks/local-alarms: the same for this node's alarms only, as RabbitMQ.
 */
final class HealthHandler {
    private final ApiContext ctx;

    HealthHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/health/checks/alarms", req -> answer(OverviewHandler.alarms(ctx),
                "There are alarms in effect in the cluster"));
        r.add("GET", "/api/health/checks/local-alarms", req -> answer(ctx.admin().alarms().stream()
                .map(a -> Map.<String, Object>of("resource", a.resource(), "node", a.node())).toList(),
                "There are alarms in effect on the node"));
    }

    private static ApiResponse answer(List<Map<String, Object>> alarms, String reason) {
        if (alarms.isEmpty()) {
            return ApiResponse.ok(Map.of("status", "ok"));
        }
        return new ApiResponse(503, Map.of("status", "failed", "reason", reason, "alarms", alarms), null, null,
                Map.of());
    }
}
