package io.warren.broker.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a policy's definition (its keys and values, as parsed from JSON) the way RabbitMQ's policy validators do,
 * so that what one accepts the other accepts too: each key must be one RabbitMQ recognises and its value of the
 * right type and range. Keys for features Warren does not have (stream and quorum settings, classic mirroring from
 * RabbitMQ 3.x, federation) are accepted and have no effect, so that definitions exported from RabbitMQ load.
 * {@code max-priority} and {@code single-active-consumer} are not policy settings in RabbitMQ and are refused.
 */
public final class PolicyDefinition {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recognised key: which values it takes, and RabbitMQ's words for a value it does not. */
    private record Rule(Predicate<Object> valid, String notValid) {
    }

    /** RabbitMQ's max-age: a positive number and one unit of Y, M, D, h, m or s. */
    private static final Pattern MAX_AGE = Pattern.compile("[0-9]+[YMDhms]");

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        rule("alternate-exchange", PolicyDefinition::isString, "a valid alternate exchange name");
        rule("dead-letter-exchange", PolicyDefinition::isString, "a valid dead letter exchange name");
        rule("dead-letter-routing-key", PolicyDefinition::isString, "a valid dead letter routing key");
        rule("message-ttl", v -> isIntegerAtLeast(v, 0), "a valid message TTL");
        rule("expires", v -> isIntegerAtLeast(v, 1), "a valid queue expiry");
        rule("max-length", v -> isIntegerAtLeast(v, 0), "a valid maximum length");
        rule("max-length-bytes", v -> isIntegerAtLeast(v, 0), "a valid maximum length in bytes");
        rule("max-in-memory-length", v -> isIntegerAtLeast(v, 0), "a valid maximum memory in bytes");
        rule("max-in-memory-bytes", v -> isIntegerAtLeast(v, 0), "a valid maximum memory in bytes");
        rule("queue-mode", oneOf("default", "lazy"), "a valid queue-mode value");
        rule("queue-version", v -> v instanceof Number n && isInteger(v) && (n.intValue() == 1 || n.intValue() == 2),
                "a valid queue version");
        rule("overflow", oneOf("drop-head", "reject-publish", "reject-publish-dlx"), "a valid overflow value");
        rule("delivery-limit", v -> isIntegerAtLeast(v, 0), "a valid delivery limit");
        rule("consumer-timeout", v -> isIntegerAtLeast(v, 0), "a valid consumer timeout");
        rule("dead-letter-strategy", oneOf("at-most-once", "at-least-once"), "a valid dead letter strategy");
        rule("max-age", v -> v instanceof String s && MAX_AGE.matcher(s).matches(), "a valid max age");
        rule("stream-max-segment-size-bytes", v -> isIntegerAtLeast(v, 0), "a valid segment size");
        rule("max-segment-size-bytes", v -> isIntegerAtLeast(v, 0), "a valid segment size");
        rule("queue-leader-locator", oneOf("client-local", "balanced", "random", "least-leaders"),
                "a valid queue leader locator value");
        rule("initial-cluster-size", v -> isIntegerAtLeast(v, 0), "a valid cluster size");
        // rabbit_quorum_queue's own validator: a positive integer
        rule("target-group-size", v -> isIntegerAtLeast(v, 1), "a valid qq target count value");
        rule("federation-upstream", PolicyDefinition::isString, "a valid federation upstream name");
        rule("federation-upstream-set", PolicyDefinition::isString, "a valid federation upstream set name");
        // classic mirroring, removed in RabbitMQ 4.0 but in many 3.x exports; meaningless on one node
        for (String ha : new String[] {"ha-mode", "ha-params", "ha-sync-mode", "ha-sync-batch-size",
                "ha-promote-on-shutdown", "ha-promote-on-failure", "queue-master-locator"}) {
            rule(ha, v -> v != null, "a valid " + ha + " value");
        }
    }

    /** Keys that act as a queue's x-arguments when the queue has none of its own (see EffectiveArguments). */
    static final Set<String> QUEUE_KEYS = Set.of("message-ttl", "expires", "max-length", "max-length-bytes",
            "delivery-limit", "dead-letter-exchange", "dead-letter-routing-key", "overflow", "queue-mode",
            "queue-version", "consumer-timeout");

    private PolicyDefinition() {
    }

    private static void rule(String key, Predicate<Object> valid, String what) {
        RULES.put(key, new Rule(valid, what));
    }

    /** Throws if RabbitMQ would refuse this definition; the message starts with RabbitMQ's "Validation failed". */
    public static void validate(Map<String, Object> definition) {
        if (definition == null || definition.isEmpty()) {
            throw failed("no policy provided");
        }
        Map<String, Object> unknown = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : definition.entrySet()) {
            Rule rule = RULES.get(e.getKey());
            if (rule == null) {
                unknown.put(e.getKey(), e.getValue());
            } else if (!rule.valid().test(e.getValue())) {
                throw failed(json(e.getValue()) + " is not " + rule.notValid() + " (policy key '" + e.getKey()
                        + "')");
            }
        }
        if (!unknown.isEmpty()) {
            throw failed(json(unknown) + " are not recognised policy settings");
        }
    }

    private static PolicyException failed(String why) {
        return new PolicyException("Validation failed\n\n" + why + "\n");
    }

    private static String json(Object v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }

    private static boolean isString(Object v) {
        return v instanceof CharSequence;
    }

    private static Predicate<Object> oneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        return v -> v instanceof CharSequence s && set.contains(s.toString());
    }

    // integers beyond a long (BigInteger from JSON) are refused: no limit or time needs them
    private static boolean isInteger(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte;
    }

    private static boolean isIntegerAtLeast(Object v, long min) {
        return isInteger(v) && ((Number) v).longValue() >= min;
    }
}
