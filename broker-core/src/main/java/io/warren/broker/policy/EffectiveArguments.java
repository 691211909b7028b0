package io.warren.broker.policy;

import io.warren.codec.LongString;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A queue's effective x-arguments: its own, completed by the policy that applies to it, with RabbitMQ's rules for
 * classic queues (rabbit_amqqueue_process): a policy key {@code k} stands for the argument {@code x-k}; where only
 * one of them is set, that one counts; where both are, the limits (message-ttl, expires, max-length,
 * max-length-bytes, delivery-limit) take the lower of the two, and the other settings (dead-letter-exchange,
 * dead-letter-routing-key, overflow, queue-mode, queue-version) take the queue's own argument.
 *
 * <p>Policy values become what a client would have sent: strings are long strings, integers ints where they fit.
 */
public final class EffectiveArguments {
    /**
     * Keys where the lower of policy and argument wins (RabbitMQ's res_min; for consumer-timeout, as its channel reads
     * it); for the rest the argument does.
     */
    private static final Set<String> LOWER_WINS = Set.of("message-ttl", "expires", "max-length", "max-length-bytes",
            "delivery-limit", "consumer-timeout");

    /** The policy keys that apply to a quorum queue (the rest are unsupported there, as in RabbitMQ). */
    private static final Set<String> QUORUM_KEYS = Set.of("message-ttl", "expires", "max-length",
            "max-length-bytes", "delivery-limit", "dead-letter-exchange", "dead-letter-routing-key",
            "dead-letter-strategy", "overflow", "consumer-timeout");

    private EffectiveArguments() {
    }

    /** The queue's arguments as the policy (which may be null) completes them; never modifies its inputs. */
    public static Map<String, Object> forQueue(Map<String, Object> arguments, Policy policy) {
        Map<String, Object> out = new LinkedHashMap<>(arguments == null ? Map.of() : arguments);
        if (policy != null) {
            for (Map.Entry<String, Object> e : policy.definition().entrySet()) {
                String key = e.getKey();
                if (!PolicyDefinition.QUEUE_KEYS.contains(key)) {
                    continue;
                }
                String argument = "x-" + key;
                Object own = out.get(argument);
                Object fromPolicy = amqpValue(e.getValue());
                if (own == null) {
                    out.put(argument, fromPolicy);
                } else if (LOWER_WINS.contains(key) && own instanceof Number a && fromPolicy instanceof Number p
                        && p.longValue() < a.longValue()) {
                    out.put(argument, fromPolicy);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * A quorum queue's arguments as the policy (which may be null) completes them, by RabbitMQ 4's rules for quorum
     * queues (rabbit_quorum_queue's policy config): where only one of policy and argument is set, that one counts;
     * where both are, the lower limit wins (message-ttl, expires, max-length, max-length-bytes), the policy's
     * overflow wins, the argument's dead-letter exchange, routing key and strategy win, and for delivery-limit the
     * lower wins unless one is negative (no limit), when the higher does. Other policy keys do not apply to quorum
     * queues (queue-mode, queue-version and the like are unsupported there).
     */
    public static Map<String, Object> forQuorumQueue(Map<String, Object> arguments, Policy policy) {
        Map<String, Object> out = new LinkedHashMap<>(arguments == null ? Map.of() : arguments);
        if (policy != null) {
            for (Map.Entry<String, Object> e : policy.definition().entrySet()) {
                String key = e.getKey();
                if (!QUORUM_KEYS.contains(key)) {
                    continue;
                }
                String argument = "x-" + key;
                Object own = out.get(argument);
                Object fromPolicy = amqpValue(e.getValue());
                if (own == null || key.equals("overflow")) {
                    out.put(argument, fromPolicy);
                } else if (LOWER_WINS.contains(key) && own instanceof Number a && fromPolicy instanceof Number p
                        && policyLimitWins(key, a.longValue(), p.longValue())) {
                    out.put(argument, fromPolicy);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    // a negative delivery limit is none: then the higher of the two wins, as in rabbit_quorum_queue
    private static boolean policyLimitWins(String key, long argument, long policy) {
        if (key.equals("delivery-limit") && (argument < 0 || policy < 0)) {
            return policy > argument;
        }
        return policy < argument;
    }

    /**
     * The arguments a new queue is placed by (on a cluster node): as RabbitMQ, the policy's queue-leader-locator
     * applies when the queue has no x-queue-leader-locator of its own. Only placement reads it; the queue's own
     * arguments are not changed.
     */
    public static Map<String, Object> forPlacement(Map<String, Object> arguments, Policy policy) {
        if (arguments != null && arguments.get("x-queue-leader-locator") != null) {
            return arguments;
        }
        Object locator = policy == null ? null : policy.definition().get("queue-leader-locator");
        if (locator == null) {
            return arguments;
        }
        Map<String, Object> placed = new LinkedHashMap<>(arguments == null ? Map.of() : arguments);
        placed.put("x-queue-leader-locator", locator.toString());
        return placed;
    }

    /**
     * The alternate exchange of an exchange with these arguments under this policy (which may be null): the
     * exchange's own argument wins, as in RabbitMQ; null when neither names one.
     */
    public static String alternateExchange(Map<String, Object> arguments, Policy policy) {
        Object own = arguments == null ? null : arguments.get("alternate-exchange");
        if (own != null) {
            return own.toString();
        }
        return policy == null ? null : policy.string("alternate-exchange");
    }

    private static Object amqpValue(Object json) {
        if (json instanceof String s) {
            return LongString.of(s);
        }
        if (json instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        if (json instanceof Short || json instanceof Byte) {
            return ((Number) json).intValue();
        }
        return json;
    }
}
