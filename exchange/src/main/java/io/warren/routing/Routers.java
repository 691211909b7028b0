package io.warren.routing;

import java.util.List;
import java.util.Map;

/** Creates routers by AMQP exchange type name. */
public final class Routers {
    public static final String DIRECT = "direct";
    public static final String FANOUT = "fanout";
    public static final String TOPIC = "topic";
    public static final String HEADERS = "headers";
    /** Every type a router exists for: the four built-in ones, then the plugin types, in that order. */
    public static final List<String> TYPES = List.of(DIRECT, FANOUT, TOPIC, HEADERS, ConsistentHashRouter.TYPE,
            DeduplicatingRouter.TYPE);

    private Routers() {
    }

    /** A router of one of the four built-in types; IllegalArgumentException("unknown exchange type 'x'") otherwise. */
    public static <D> Router<D> create(String type) {
        return create(type, Map.of());
    }

    /**
     * A router of any known type; types with arguments (the plugin types) read them here.
     *
     * @throws IllegalArgumentException for an unknown type, or with the text for the client (a 406) when the
     *                                  arguments are unusable
     */
    public static <D> Router<D> create(String type, Map<String, Object> arguments) {
        if (type != null) {
            switch (type) {
                case DIRECT:
                    return new DirectRouter<>();
                case FANOUT:
                    return new FanoutRouter<>();
                case TOPIC:
                    return new TopicRouter<>();
                case HEADERS:
                    return new HeadersRouter<>();
                case ConsistentHashRouter.TYPE:
                    return new ConsistentHashRouter<>(arguments);
                case DeduplicatingRouter.TYPE:
                    return new DeduplicatingRouter<>(arguments);
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown exchange type '" + type + "'");
    }

    /** True for the built-in exchange types and the plugin types Warren has (names are case-sensitive). */
    public static boolean isKnownType(String type) {
        return type != null && TYPES.contains(type);
    }
}
