package io.warren.routing;

/** Creates routers by AMQP exchange type name. */
public final class Routers {
    public static final String DIRECT = "direct";
    public static final String FANOUT = "fanout";
    public static final String TOPIC = "topic";
    public static final String HEADERS = "headers";

    private Routers() {
    }

    /** "direct", "fanout", "topic", "headers"; IllegalArgumentException("unknown exchange type 'x'") otherwise. */
    public static <D> Router<D> create(String type) {
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
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown exchange type '" + type + "'");
    }

    /** True for the four built-in exchange types (names are case-sensitive, as in RabbitMQ). */
    public static boolean isKnownType(String type) {
        return DIRECT.equals(type) || FANOUT.equals(type) || TOPIC.equals(type) || HEADERS.equals(type);
    }
}
