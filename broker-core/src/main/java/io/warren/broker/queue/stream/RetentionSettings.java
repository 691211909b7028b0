package io.warren.broker.queue.stream;

import io.warren.codec.FieldTables;
import java.util.Map;

/**
 * How much of a stream its storage keeps, and in what segment size, from the stream's x-arguments and its policy.
 * A limit of -1 is not set; the stream then grows until a limit is set. Retention removes whole segments, oldest
 * first, once the stream is over a limit.
 *
 * <p>As RabbitMQ's rabbit_stream_queue (policy_precedence), where both the policy and the queue's own argument set
 * a key, the policy's value is used: an operator can change a stream's retention without redeclaring it. (Classic
 * queues take the lower of the two; streams do not.) x-max-length / max-length is LavinMQ's message-count limit,
 * which RabbitMQ's streams do not have.
 */
public record RetentionSettings(long maxLengthBytes, long maxAgeMillis, long maxLength, long maxSegmentSizeBytes) {
    public static final String MAX_LENGTH_BYTES = "x-max-length-bytes";
    public static final String MAX_AGE = "x-max-age";
    public static final String MAX_LENGTH = "x-max-length";
    public static final String MAX_SEGMENT_SIZE_BYTES = "x-stream-max-segment-size-bytes";
    /** RabbitMQ's default segment size: 500 MB. */
    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 500_000_000L;

    /** Reads and checks the retention arguments; the policy definition (its JSON keys) may be null. */
    public static RetentionSettings from(Map<String, Object> arguments, Map<String, Object> policy) {
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        Map<String, Object> pol = policy == null ? Map.of() : policy;
        long maxBytes = nonNegative(args, MAX_LENGTH_BYTES);
        long maxAge = age(args.get(MAX_AGE), args.containsKey(MAX_AGE));
        long maxLength = nonNegative(args, MAX_LENGTH);
        long segment = nonNegative(args, MAX_SEGMENT_SIZE_BYTES);
        maxBytes = policyLimit(pol, "max-length-bytes", maxBytes);
        maxLength = policyLimit(pol, "max-length", maxLength);
        segment = policyLimit(pol, "stream-max-segment-size-bytes", segment);
        Object policyAge = pol.get("max-age");
        if (policyAge instanceof CharSequence s && MaxAge.millis(s.toString()) > 0) {
            maxAge = MaxAge.millis(s.toString());
        }
        return new RetentionSettings(maxBytes, maxAge, maxLength, segment < 0 ? DEFAULT_SEGMENT_SIZE_BYTES : segment);
    }

    /** True when some limit lets retention remove segments. */
    public boolean limited() {
        return maxLengthBytes >= 0 || maxAgeMillis >= 0 || maxLength >= 0;
    }

    // policy values were checked when the policy was set (PolicyDefinition); one of another type is ignored
    private static long policyLimit(Map<String, Object> policy, String key, long own) {
        Object v = policy.get(key);
        return ErlangTerms.isInteger(v) && ((Number) v).longValue() >= 0 ? ((Number) v).longValue() : own;
    }

    private static long age(Object v, boolean present) {
        if (!present) {
            return -1;
        }
        String text = ErlangTerms.text(v);
        if (text == null) {
            // rabbit_amqqueue's check_max_age_arg: only a long string is an age
            throw new InvalidStreamArgument(MAX_AGE, "{unacceptable_type," + FieldTables.typeName(v)
                    + "}");
        }
        long ms = MaxAge.millis(text);
        if (ms < 0) {
            throw new InvalidStreamArgument(MAX_AGE, "invalid_max_age");
        }
        return ms;
    }

    /** rabbit_amqqueue's check_non_neg_int_arg, with its texts. */
    static long nonNegative(Map<String, Object> arguments, String name) {
        if (!arguments.containsKey(name)) {
            return -1;
        }
        Object v = arguments.get(name);
        if (!ErlangTerms.isInteger(v)) {
            throw new InvalidStreamArgument(name, "\"expected integer, got " + FieldTables.typeName(v)
                    + "\"");
        }
        long n = ((Number) v).longValue();
        if (n < 0) {
            throw new InvalidStreamArgument(name, "{value_negative," + n + "}");
        }
        return n;
    }
}
