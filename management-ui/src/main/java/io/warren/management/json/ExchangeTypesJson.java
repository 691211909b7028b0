package io.warren.management.json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The broker's exchange types as RabbitMQ lists them in /api/overview and /api/nodes: name, description, enabled. */
public final class ExchangeTypesJson {
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "direct", "AMQP direct exchange: routes on the exact routing key",
            "fanout", "AMQP fanout exchange: routes to every bound queue",
            "topic", "AMQP topic exchange: routes on dotted routing-key patterns with * and #",
            "headers", "AMQP headers exchange: routes on message headers (x-match all or any)",
            "x-consistent-hash", "Consistent-hash exchange: spreads messages over bound queues by weight",
            "x-delayed-message", "Delayed-message exchange: holds each message for its x-delay, then routes it "
                    + "as its x-delayed-type does",
            "x-message-deduplication", "Deduplication exchange: drops a message whose x-deduplication-header "
                    + "was seen within its cache");

    private ExchangeTypesJson() {
    }

    /** One entry per type, in the order given; every type Warren can declare is enabled. */
    public static List<Map<String, Object>> of(List<String> types) {
        return types.stream().map(ExchangeTypesJson::type).toList();
    }

    private static Map<String, Object> type(String name) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("description", DESCRIPTIONS.getOrDefault(name, name + " exchange"));
        out.put("enabled", true);
        return out;
    }
}
