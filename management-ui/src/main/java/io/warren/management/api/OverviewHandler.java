package io.warren.management.api;

import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.ConnectionView;
import io.warren.broker.admin.NodeStatusView;
import io.warren.broker.admin.QueueTotalsView;
import io.warren.broker.admin.UserView;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.ExchangeTypesJson;
import io.warren.management.json.MessageStatsJson;
import io.warren.management.json.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** GET /api/overview and /api/whoami: the broker at a glance, and who is asking. */
final class OverviewHandler {
    /** The management API level Warren follows, so tools that check the version accept it. */
    static final String RABBITMQ_API_VERSION = Versions.RABBITMQ;
    static final String PRODUCT_VERSION = Versions.WARREN;

    private final ApiContext ctx;

    OverviewHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/overview", this::overview);
        r.add("GET", "/api/whoami", this::whoami);
        r.add("GET", "/api/extensions", req -> ApiResponse.ok(List.of()));
    }

    private ApiResponse overview(ApiRequest req) {
        BrokerAdmin admin = ctx.admin();
        UserView u = req.user();
        List<String> vhosts = ctx.auth().visibleVhosts(u);
        long queues = 0;
        long exchanges = 0;
        long consumers = 0;
        long ready = 0;
        long unacked = 0;
        // sums of the counts each queue publishes: no view, no list, no sort per queue
        for (String v : vhosts) {
            QueueTotalsView t = admin.topology().queueTotals(v);
            queues += t.queues();
            consumers += t.consumers();
            ready += t.ready();
            unacked += t.unacked();
            exchanges += admin.topology().exchangeCount(v);
        }
        int connections = 0;
        int channels = 0;
        for (ConnectionView c : admin.connections().connections()) {
            if (Authorizer.isMonitor(u) || c.user().equals(u.name())) {
                connections++;
                channels += c.channels().size();
            }
        }
        boolean global = Authorizer.isMonitor(u);
        List<NodeStatusView> others = admin.cluster().otherNodes();
        if (global) {
            // in a cluster the other nodes' connections count too (each node reports its own)
            for (NodeStatusView n : others) {
                if (n.running()) {
                    connections += n.connections();
                    channels += n.channels();
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("management_version", RABBITMQ_API_VERSION);
        out.put("rates_mode", "basic");
        out.put("exchange_types", ExchangeTypesJson.of(admin.topology().exchangeTypes()));
        out.put("product_version", PRODUCT_VERSION);
        out.put("product_name", "Warren");
        out.put("rabbitmq_version", RABBITMQ_API_VERSION);
        out.put("cluster_name", admin.cluster().clustered() ? clusterName(admin) : admin.nodeName());
        out.put("node", admin.nodeName());
        out.put("disable_stats", false);
        out.put("enable_queue_totals", false);
        // broker-wide rates are shown to those who may see the whole broker; others see their vhosts' depths only
        if (global) {
            out.put("message_stats", MessageStatsJson.of(admin.clusterTotals(), ctx.rates(), "overview."));
        } else {
            out.put("message_stats", Map.of());
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        String k = global ? "overview." : null;
        Stats.put(totals, "messages", ready + unacked, k == null ? 0 : ctx.rates().rate(k + "messages"));
        Stats.put(totals, "messages_ready", ready, k == null ? 0 : ctx.rates().rate(k + "messages_ready"));
        Stats.put(totals, "messages_unacknowledged", unacked,
                k == null ? 0 : ctx.rates().rate(k + "messages_unacknowledged"));
        out.put("queue_totals", totals);
        out.put("object_totals", Map.of("connections", connections, "channels", channels, "exchanges", exchanges,
                "queues", queues, "consumers", consumers));
        out.put("listeners", ctx.clusterListeners());
        out.put("alarms", alarms(ctx));
        return ApiResponse.ok(out);
    }

    /**
     * The cluster's name on every node alike: the cluster_name parameter when set, else the first member's name
     * (RabbitMQ names a cluster after a node of it).
     */
    private static String clusterName(BrokerAdmin admin) {
        String name = admin.clusterName();
        if (!name.equals(admin.nodeName())) {
            return name;
        }
        return admin.cluster().nodes().stream().map(n -> n.name()).sorted().findFirst().orElse(name);
    }

    /** The alarms in effect on this node and, in a cluster, on the other running members. */
    static List<Map<String, Object>> alarms(ApiContext ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.admin().alarms().forEach(a -> out.add(Map.of("resource", a.resource(), "node", a.node())));
        for (NodeStatusView n : ctx.admin().cluster().otherNodes()) {
            if (n.running()) {
                n.alarms().forEach(a -> out.add(Map.of("resource", a, "node", n.name())));
            }
        }
        return out;
    }

    private ApiResponse whoami(ApiRequest req) {
        return ApiResponse.ok(Map.of("name", req.user().name(),
                "tags", List.copyOf(new java.util.TreeSet<>(req.user().tags()))));
    }
}
