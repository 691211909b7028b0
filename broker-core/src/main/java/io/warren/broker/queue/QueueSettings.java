package io.warren.broker.queue;

import static io.warren.broker.queue.InvalidQueueArgument.isInteger;
import static io.warren.broker.queue.InvalidQueueArgument.typeName;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's lifecycle settings, read from its effective x-arguments (its own arguments over its policy's):
 * message TTL, expiry when unused, dead-lettering, length limits and the delivery limit. -1 means "not set".
 */
public record QueueSettings(long messageTtl, long expires, String deadLetterExchange, String deadLetterRoutingKey,
                            long maxLength, long maxLengthBytes, Overflow overflow, long deliveryLimit) {
    public static final QueueSettings NONE = new QueueSettings(-1, -1, null, null, -1, -1, Overflow.DROP_HEAD, -1);
    private static final Logger LOG = LoggerFactory.getLogger(QueueSettings.class);

    /** What x-overflow does once a length limit is reached. */
    public enum Overflow {
        DROP_HEAD("drop-head"), REJECT_PUBLISH("reject-publish"), REJECT_PUBLISH_DLX("reject-publish-dlx");

        private final String argument;

        Overflow(String argument) {
            this.argument = argument;
        }

        static Overflow parse(Object value) {
            if (value == null) {
                return DROP_HEAD;
            }
            String text = value instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                    : value.toString();
            for (Overflow o : values()) {
                if (o.argument.equals(text)) {
                    return o;
                }
            }
            throw new InvalidQueueArgument("x-overflow", "{invalid_value,<<\"" + text + "\">>}; expected one of "
                    + "drop-head, reject-publish, reject-publish-dlx");
        }
    }

    /**
     * The settings a policy leaves a queue with (its effective arguments), or null, logged as a warning naming the
     * queue, when they cannot be used: the queue then keeps the settings it has.
     */
    public static QueueSettings forPolicy(Object queue, String policyName, Map<String, Object> effectiveArguments) {
        try {
            return from(effectiveArguments);
        } catch (InvalidQueueArgument e) {
            LOG.warn("{}: policy '{}' not applied: invalid '{}': {}", queue, policyName, e.argument(), e.getMessage());
            return null;
        }
    }

    /** Reads and checks the lifecycle arguments; other arguments are ignored. */
    public static QueueSettings from(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return NONE;
        }
        String dlx = string(arguments, "x-dead-letter-exchange");
        String dlrk = string(arguments, "x-dead-letter-routing-key");
        if (dlrk != null && dlx == null) {
            throw new InvalidQueueArgument("x-dead-letter-routing-key", "{routing_key_but_no_dlx_defined,<<\"" + dlrk
                    + "\">>}; set x-dead-letter-exchange too");
        }
        long expires = nonNegative(arguments, "x-expires");
        nonNegative(arguments, "x-consumer-timeout"); // read by the channels that hold the queue's deliveries
        if (expires == 0) {
            throw new InvalidQueueArgument("x-expires", "{value_zero,0}; it must be at least 1 ms");
        }
        return new QueueSettings(nonNegative(arguments, "x-message-ttl"), expires, dlx, dlrk,
                nonNegative(arguments, "x-max-length"), nonNegative(arguments, "x-max-length-bytes"),
                Overflow.parse(arguments.get("x-overflow")), nonNegative(arguments, "x-delivery-limit"));
    }

    private static long nonNegative(Map<String, Object> arguments, String name) {
        Object v = arguments.get(name);
        if (v == null) {
            return -1;
        }
        if (!isInteger(v)) {
            throw new InvalidQueueArgument(name, "{unacceptable_type," + typeName(v)
                    + "}; it must be an integer");
        }
        long n = ((Number) v).longValue();
        if (n < 0) {
            throw new InvalidQueueArgument(name, "{value_negative," + n + "}");
        }
        return n;
    }

    private static String string(Map<String, Object> arguments, String name) {
        Object v = arguments.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof CharSequence || v instanceof byte[])) {
            throw new InvalidQueueArgument(name, "{unacceptable_type," + typeName(v)
                    + "}; it must be a string");
        }
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }

    /** True when the queue refuses publishes once full, so confirming publishers must hear of each refusal. */
    public boolean rejectsPublishes() {
        return overflow != Overflow.DROP_HEAD && (maxLength >= 0 || maxLengthBytes >= 0);
    }

    public boolean deadLetters() {
        return deadLetterExchange != null;
    }

    /** True when a queue holding this much must refuse a message of this body size (RabbitMQ's will_overflow). */
    public boolean wouldOverflow(int count, long bytes, int bodySize) {
        return (maxLength >= 0 && count + 1 > maxLength) || (maxLengthBytes >= 0 && bytes + bodySize > maxLengthBytes);
    }

    public boolean overLength(int count, long bytes) {
        return (maxLength >= 0 && count > maxLength) || (maxLengthBytes >= 0 && bytes > maxLengthBytes);
    }
}
