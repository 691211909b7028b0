package io.warren.management.json;

import io.warren.broker.admin.BindingView;
import io.warren.broker.admin.ExchangeView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Exchanges and bindings in the shape of RabbitMQ's API. */
public final class TopologyJson {
    private TopologyJson() {
    }

    public static Map<String, Object> exchange(ExchangeView x) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", x.name());
        out.put("vhost", x.vhost());
        out.put("type", x.type());
        out.put("durable", x.durable());
        out.put("auto_delete", x.autoDelete());
        out.put("internal", x.internal());
        out.put("arguments", AmqpValues.toJson(x.arguments()));
        if (x.policy() != null) {
            out.put("policy", x.policy()); // as RabbitMQ: only when one applies
        }
        if (x.messagesDelayed() != null) {
            out.put("messages_delayed", x.messagesDelayed());
        }
        out.put("user_who_performed_action", "rmq-internal");
        return out;
    }

    public static Map<String, Object> binding(BindingView b) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", b.source());
        out.put("vhost", b.vhost());
        out.put("destination", b.destination());
        out.put("destination_type", b.destinationType());
        out.put("routing_key", b.routingKey());
        out.put("arguments", AmqpValues.toJson(b.arguments()));
        out.put("properties_key", propertiesKey(b));
        return out;
    }

    /**
     * How a binding is named in a URL, as RabbitMQ does: the routing key ("~" when empty), with a digest of the
     * arguments appended when there are any.
     */
    public static String propertiesKey(BindingView b) {
        String key = b.routingKey().isEmpty() ? "~" : b.routingKey();
        if (b.arguments() == null || b.arguments().isEmpty()) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    Json.write(new java.util.TreeMap<>(AmqpValues.toJson(b.arguments())))
                            );
            return (b.routingKey().isEmpty() ? "" : b.routingKey()) + "~"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
