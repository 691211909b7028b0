package io.warren.routing;

/**
 * The message properties a router may route on besides the routing key and headers; implementations decode them
 * only when asked, so routers that never ask cost nothing.
 */
public interface RoutingProperties {
    /** The message-id property, or null. */
    String messageId();

    /** The correlation-id property, or null. */
    String correlationId();

    /** The timestamp property (seconds since the epoch, as on the wire), or null. */
    Long timestamp();
}
