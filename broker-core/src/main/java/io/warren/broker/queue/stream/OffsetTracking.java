package io.warren.broker.queue.stream;

import io.warren.codec.FieldTables;
import java.util.Map;

/**
 * Whether the server remembers where a stream consumer got to, so that it resumes there when it consumes again
 * (LavinMQ's automatic offset tracking). It is on when the consumer
 * <ul>
 *   <li>sends x-stream-offset as an explicit void (null) value with a consumer tag of its own: it starts at the
 *       first message the first time; or</li>
 *   <li>sends x-stream-automatic-offset-tracking true (a boolean, or the string "true" as LavinMQ accepts) with a
 *       consumer tag of its own: it starts at its x-stream-offset (default "next") the first time.</li>
 * </ul>
 * The offset is stored under the consumer tag, or under the consumer's group name when it is in a named
 * {@link ConsumerGroup}; it advances as acknowledgements arrive (see {@link AckedOffsets}), so a consumer that
 * stops with messages unacknowledged gets them again. Asking for tracking with a tag the server generated
 * (amq.ctag-...) is refused: that tag is never the same twice, so nothing could be resumed. An explicit null with a
 * generated tag just starts at the first message, as in LavinMQ.
 *
 * @param key where the offset is stored, or null when tracking is off
 */
public record OffsetTracking(String key) {
    public static final String ARGUMENT = "x-stream-automatic-offset-tracking";
    public static final OffsetTracking OFF = new OffsetTracking(null);
    /** The prefix of the consumer tags the server makes up (RabbitMQ's and Warren's). */
    public static final String SERVER_TAG_PREFIX = "amq.ctag-";

    /** Decides tracking for a basic.consume; group may be null. */
    public static OffsetTracking of(Map<String, Object> consumerArguments, String consumerTag, ConsumerGroup group) {
        Map<String, Object> args = consumerArguments == null ? Map.of() : consumerArguments;
        boolean serverTag = consumerTag == null || consumerTag.isEmpty() || consumerTag.startsWith(SERVER_TAG_PREFIX);
        boolean asked = askedFor(args);
        boolean nullOffset = args.containsKey(StreamOffsetSpec.ARGUMENT) && args.get(StreamOffsetSpec.ARGUMENT) == null;
        boolean named = group != null && group.named();
        boolean canTrack = named || !serverTag;
        if (asked && !canTrack) {
            throw new InvalidStreamArgument(ARGUMENT, "true; automatic offset tracking needs a consumer tag chosen "
                    + "by the client (or a consumer group), so that it can resume under the same name");
        }
        if (!asked && !(nullOffset && canTrack)) {
            return OFF;
        }
        return new OffsetTracking(named ? group.trackingKey() : "tag:" + consumerTag);
    }

    private static boolean askedFor(Map<String, Object> args) {
        if (!args.containsKey(ARGUMENT)) {
            return false;
        }
        Object v = args.get(ARGUMENT);
        if (v instanceof Boolean b) {
            return b;
        }
        String text = ErlangTerms.text(v);
        if ("true".equals(text) || "false".equals(text)) {
            return "true".equals(text);
        }
        throw new InvalidStreamArgument(ARGUMENT, ErlangTerms.typed(v) + "; it must be a boolean");
    }

    public boolean enabled() {
        return key != null;
    }
}
