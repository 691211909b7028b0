package io.warren.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.AccessAdmin.Access;
import io.warren.broker.admin.TopologyAdmin;
import io.warren.codec.BasicProperties;
import io.warren.management.http.ApiException;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.Router;
import io.warren.management.json.Json;
import io.warren.management.json.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** POST /api/exchanges/vhost/name/publish: publish a message by hand; answers {"routed": bool}. */
final class PublishHandler {
    private final ApiContext ctx;

    PublishHandler(ApiContext ctx) {
        this.ctx = ctx;
    }

    void register(Router r) {
        r.addLargeBody("POST", "/api/exchanges/{vhost}/{name}/publish", this::publish);
    }

    private ApiResponse publish(ApiRequest req) {
        String v = req.param("vhost");
        String exchange = req.param("name");
        // the default exchange is "amq.default" to permissions, as for a publish over AMQP
        String permissionName = exchange.isEmpty() ? TopologyAdmin.DEFAULT_EXCHANGE_ALIAS : exchange;
        ctx.auth().require(req.user(), v, Access.WRITE, permissionName);
        JsonNode body = req.json();
        String routingKey = Json.requiredText(body, "routing_key");
        String payload = Json.requiredText(body, "payload");
        String encoding = Json.text(body, "payload_encoding", "string");
        byte[] bytes;
        if ("string".equals(encoding)) {
            bytes = payload.getBytes(StandardCharsets.UTF_8);
        } else if ("base64".equals(encoding)) {
            try {
                bytes = Base64.getDecoder().decode(payload);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("payload is not valid base64: " + e.getMessage());
            }
        } else {
            throw ApiException.badRequest("payload_encoding must be 'string' or 'base64', got '" + encoding + "'");
        }
        BasicProperties props = MessageProperties.fromJson(body.get("properties"));
        if (props.userId() != null && !props.userId().equals(req.user().name())) {
            throw ApiException.badRequest("user_id property set to '" + props.userId()
                    + "' but authenticated user was '" + req.user().name() + "'");
        }
        boolean routed = ctx.admin().messages().publish(v, exchange, routingKey, props, bytes);
        return ApiResponse.ok(Map.of("routed", routed));
    }
}
