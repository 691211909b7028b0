package io.warren.broker.connection;

import io.warren.codec.LongString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What connection.start tells a client about the broker, including the protocol extensions it implements. */
final class ServerProperties {
    static final String VERSION = io.warren.broker.WarrenVersion.get();
    /**
     * RabbitMQ's names for the extensions Warren implements; clients switch features on by them (the Java client
     * and Spring AMQP look at several), so each is here only because the broker does it: x-priority on
     * basic.consume, confirm.select, exchange.bind, basic.nack, basic.cancel from the broker, connection.blocked,
     * connection.close on a refused login, basic.qos per consumer, amq.rabbitmq.reply-to.
     */
    static final List<String> CAPABILITIES = List.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
            "consumer_cancel_notify", "connection.blocked", "consumer_priorities", "authentication_failure_close",
            "per_consumer_qos", "direct_reply_to");
    private static final Map<String, Object> PROPERTIES = build();

    private ServerProperties() {
    }

    static Map<String, Object> get() {
        return PROPERTIES;
    }

    private static Map<String, Object> build() {
        Map<String, Object> capabilities = new LinkedHashMap<>();
        for (String c : CAPABILITIES) {
            capabilities.put(c, Boolean.TRUE);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("capabilities", capabilities);
        p.put("cluster_name", LongString.of("warren"));
        p.put("product", LongString.of("Warren"));
        p.put("version", LongString.of(VERSION));
        p.put("platform", LongString.of("Java " + System.getProperty("java.version")));
        p.put("copyright", LongString.of("The Warren authors"));
        p.put("information", LongString.of("An AMQP 0-9-1 message broker"));
        return java.util.Collections.unmodifiableMap(p);
    }
}
