package io.warren.management.json;

import java.util.Map;

/** RabbitMQ's pairing of a total with its rate: {"publish": 10, "publish_details": {"rate": 2.0}}. */
public final class Stats {
    private Stats() {
    }

    public static void put(Map<String, Object> out, String name, long value, double rate) {
        out.put(name, value);
        out.put(name + "_details", Map.of("rate", Math.round(rate * 10) / 10.0));
    }
}
