package io.warren.management.api;

import io.warren.broker.admin.AlarmView;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import java.util.List;
import java.util.Map;

/** /api/health/checks/alarms: 200 with status ok when no resource alarm is in effect, else 503 with them. */
final class HealthHandler {
    private final ApiContext ctx;

    HealthHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/health/checks/alarms", this::alarms);
        r.add("GET", "/api/health/checks/local-alarms", this::alarms);
    }

    private ApiResponse alarms(ApiRequest req) {
        List<AlarmView> alarms = ctx.admin().alarms();
        if (alarms.isEmpty()) {
            return ApiResponse.ok(Map.of("status", "ok"));
        }
        return new ApiResponse(503, Map.of("status", "failed", "reason", "There are alarms in effect in the cluster",
                "alarms", alarms.stream().map(a -> Map.of("resource", a.resource(), "node", a.node())).toList()),
                null, null, Map.of());
    }
}
