package io.warren.management.api;

import io.warren.broker.admin.ChannelView;
import io.warren.broker.admin.ConnectionView;
import io.warren.broker.admin.NodeConsumerView;
import io.warren.broker.admin.UserView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.ConnectionJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * /api/connections, /api/channels and /api/consumers. Monitoring users and administrators see all; others only
 * their own connections (and consumers in vhosts they may see).
 */
final class ConnectionsHandler {
    private final ApiContext ctx;

    ConnectionsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/connections", this::list);
        r.add("GET", "/api/vhosts/{vhost}/connections", this::listVhost);
        r.add("GET", "/api/connections/{name}", this::get);
        r.add("DELETE", "/api/connections/{name}", this::close);
        r.add("GET", "/api/connections/{name}/channels", this::channelsOf);
        r.add("GET", "/api/channels", this::channels);
        r.add("GET", "/api/channels/{name}", this::channel);
        r.add("GET", "/api/consumers", this::consumers);
        r.add("GET", "/api/consumers/{vhost}", this::consumersVhost);
    }

    private List<ConnectionView> visible(UserView u) {
        return ctx.admin().connections().connections().stream()
                .filter(c -> Authorizer.isMonitor(u) || c.user().equals(u.name())).toList();
    }

    private ApiResponse list(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        return query.respond(visible(req.user()), ConnectionView::name, ctx.connectionJson()::connection);
    }

    private ApiResponse listVhost(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        return query.respond(visible(req.user()).stream().filter(c -> c.vhost().equals(req.param("vhost"))).toList(),
                ConnectionView::name, ctx.connectionJson()::connection);
    }

    private ConnectionView find(ApiRequest req) {
        return visible(req.user()).stream().filter(c -> c.name().equals(req.param("name"))).findFirst()
                .orElseThrow(() -> ApiException.notFound("no connection '" + req.param("name") + "'"));
    }

    private ApiResponse get(ApiRequest req) {
        return ApiResponse.ok(ctx.connectionJson().connection(find(req)));
    }

    private ApiResponse close(ApiRequest req) {
        ConnectionView c = find(req);
        // monitoring may look at every connection but closes only its own
        if (!Authorizer.isAdmin(req.user()) && !c.user().equals(req.user().name())) {
            throw ApiException.forbidden("only administrators may close other users' connections");
        }
        // as RabbitMQ's API: the X-Reason header is the text the client gets with CONNECTION_FORCED
        ctx.admin().connections().close(c.name(), req.header("X-Reason"));
        return ApiResponse.noContent();
    }

    private ApiResponse channelsOf(ApiRequest req) {
        ConnectionView c = find(req);
        return ApiResponse.ok(c.channels().stream().map(ch -> ctx.connectionJson().channel(ch, c)).toList());
    }

    /** A channel with the connection it belongs to, as a listing needs both to render it. */
    private record OpenChannel(ChannelView channel, ConnectionView connection) {
        String name() {
            return channel.name();
        }
    }

    private List<OpenChannel> allChannels(UserView u) {
        List<OpenChannel> out = new ArrayList<>();
        for (ConnectionView c : visible(u)) {
            for (ChannelView ch : c.channels()) {
                out.add(new OpenChannel(ch, c));
            }
        }
        return out;
    }

    private Map<String, Object> json(OpenChannel ch) {
        return ctx.connectionJson().channel(ch.channel(), ch.connection());
    }

    private ApiResponse channels(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        return query.respond(allChannels(req.user()), OpenChannel::name, this::json);
    }

    private ApiResponse channel(ApiRequest req) {
        return ApiResponse.ok(allChannels(req.user()).stream().filter(ch -> ch.name().equals(req.param("name")))
                .findFirst().map(this::json)
                .orElseThrow(() -> ApiException.notFound("no channel '" + req.param("name") + "'")));
    }

    // every node's consumers, as RabbitMQ lists them (the other nodes asked now, see ClusterView)
    private List<Map<String, Object>> consumers(UserView u, String vhost) {
        List<NodeConsumerView> all = new ArrayList<>(ctx.admin().connections().consumers(ctx.admin().nodeName(),
                vhost, null));
        all.addAll(ctx.admin().cluster().otherNodesConsumers(vhost, null));
        return all.stream().filter(cv -> ctx.auth().canSee(u, cv.consumer().vhost()))
                .map(ConnectionJson::consumer).toList();
    }

    private ApiResponse consumers(ApiRequest req) {
        return ListQuery.respond(req, consumers(req.user(), null));
    }

    private ApiResponse consumersVhost(ApiRequest req) {
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        return ListQuery.respond(req, consumers(req.user(), req.param("vhost")));
    }
}
