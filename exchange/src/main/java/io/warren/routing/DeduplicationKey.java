package io.warren.routing;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The value of a message's {@code x-deduplication-header} as a key for a deduplication cache (the
 * rabbitmq-message-deduplication plugin's convention), shared by the exchange and the queue that deduplicate.
 */
public final class DeduplicationKey {
    /** The header whose value identifies a message for deduplication. */
    public static final String HEADER = "x-deduplication-header";

    private DeduplicationKey() {
    }

    /**
     * The key of a message with these headers, or null when it is not to be checked: no headers, no such header,
     * or a void, array or table value (the plugin does not deduplicate on those either). Text of any class becomes
     * a String and whole numbers of any width a Long, so that equal values on the wire are equal keys.
     */
    public static Object of(Map<String, Object> headers) {
        return headers == null ? null : normalise(headers.get(HEADER));
    }

    static Object normalise(Object value) {
        if (value == null || value instanceof List || value instanceof Map) {
            return null;
        }
        if (value instanceof CharSequence cs) {
            return cs.toString();
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        if (value instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        return value;
    }
}
