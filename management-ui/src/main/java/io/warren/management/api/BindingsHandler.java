package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.AccessAdmin.Access;
import io.warren.broker.admin.BindingView;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.AmqpValues;
import io.warren.management.json.Json;
import io.warren.management.json.TopologyJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * /api/bindings in RabbitMQ's URL scheme: /api/bindings/vhost/e/source/q/queue (list, POST to bind) and
 * .../props (show, DELETE to unbind), with "e" instead of "q" for exchange-to-exchange bindings; plus the bindings
 * of one queue or exchange.
 */
final class BindingsHandler {
    private final ApiContext ctx;

    BindingsHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.add("GET", "/api/bindings", this::listAll);
        r.add("GET", "/api/bindings/{vhost}", this::listVhost);
        r.add("GET", "/api/bindings/{vhost}/e/{source}/{kind}/{destination}", this::listBetween);
        r.add("POST", "/api/bindings/{vhost}/e/{source}/{kind}/{destination}", this::bind);
        r.add("GET", "/api/bindings/{vhost}/e/{source}/{kind}/{destination}/{props}", this::get);
        r.add("DELETE", "/api/bindings/{vhost}/e/{source}/{kind}/{destination}/{props}", this::unbind);
        r.add("GET", "/api/queues/{vhost}/{name}/bindings", req -> of(req,
                b -> b.destinationType().equals("queue") && b.destination().equals(req.param("name"))));
        r.add("GET", "/api/exchanges/{vhost}/{name}/bindings/source", req -> of(req,
                b -> b.source().equals(exchange(req.param("name")))));
        r.add("GET", "/api/exchanges/{vhost}/{name}/bindings/destination", req -> of(req,
                b -> b.destinationType().equals("exchange") && b.destination().equals(req.param("name"))));
    }

    private static String exchange(String apiName) {
        return "amq.default".equals(apiName) ? "" : apiName;
    }

    private ApiResponse listAll(ApiRequest req) {
        ListQuery query = ListQuery.of(req);
        List<BindingView> out = new ArrayList<>();
        for (String v : ctx.auth().visibleVhosts(req.user())) {
            out.addAll(ctx.admin().topology().bindings(v));
        }
        return query.respond(out, BindingView::destination, TopologyJson::binding);
    }

    private ApiResponse listVhost(ApiRequest req) {
        return of(req, b -> true);
    }

    private ApiResponse of(ApiRequest req, Predicate<BindingView> filter) {
        ListQuery query = ListQuery.of(req);
        String v = req.param("vhost");
        ctx.auth().requireVisible(req.user(), v);
        // bindings have no name: the name filter applies to their destination
        return query.respond(matching(v, filter), BindingView::destination, TopologyJson::binding);
    }

    private List<BindingView> matching(String vhost, Predicate<BindingView> filter) {
        return ctx.admin().topology().bindings(vhost).stream().filter(filter).toList();
    }

    private static String destinationType(ApiRequest req) {
        return switch (req.param("kind")) {
            case "q" -> "queue";
            case "e" -> "exchange";
            default -> throw ApiException.notFound("bindings go to 'q' (a queue) or 'e' (an exchange)");
        };
    }

    private Predicate<BindingView> between(ApiRequest req) {
        String type = destinationType(req);
        String source = exchange(req.param("source"));
        String destination = req.param("destination");
        return b -> b.source().equals(source) && b.destinationType().equals(type)
                && b.destination().equals(destination);
    }

    private ApiResponse listBetween(ApiRequest req) {
        return of(req, between(req));
    }

    private ApiResponse bind(ApiRequest req) {
        String v = req.param("vhost");
        String type = destinationType(req);
        ctx.auth().require(req.user(), v, Access.WRITE, req.param("destination"));
        ctx.auth().require(req.user(), v, Access.READ, req.param("source"));
        JsonNode body = req.json();
        String key = Json.text(body, "routing_key", "");
        var args = AmqpValues.table(body.get("arguments"), "arguments");
        ctx.admin().topology().bind(v, req.param("source"), type, req.param("destination"), key, args);
        String props = TopologyJson.propertiesKey(new BindingView(v, req.param("source"), req.param("destination"),
                type, key, args));
        return ApiResponse.created().withHeader("Location", URLEncoder.encode(props, StandardCharsets.UTF_8));
    }

    private BindingView one(ApiRequest req) {
        String props = req.param("props");
        return matching(req.param("vhost"), between(req)).stream()
                .filter(b -> TopologyJson.propertiesKey(b).equals(props)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no such binding"));
    }

    private ApiResponse get(ApiRequest req) {
        ctx.auth().requireVisible(req.user(), req.param("vhost"));
        return ApiResponse.ok(TopologyJson.binding(one(req)));
    }

    private ApiResponse unbind(ApiRequest req) {
        String v = req.param("vhost");
        ctx.auth().require(req.user(), v, Access.WRITE, req.param("destination"));
        ctx.auth().require(req.user(), v, Access.READ, req.param("source"));
        BindingView b = one(req);
        ctx.admin().topology().unbind(v, req.param("source"), b.destinationType(), b.destination(), b.routingKey(),
                b.arguments());
        return ApiResponse.noContent();
    }
}
