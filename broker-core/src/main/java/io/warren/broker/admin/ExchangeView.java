package io.warren.broker.admin;

import java.util.Map;

/**
 * An exchange's declaration and the policy in effect (null for none); name "" is the default exchange.
 * messagesDelayed is what an x-delayed-message exchange holds back, null for other types.
 */
public record ExchangeView(String vhost, String name, String type, boolean durable, boolean autoDelete,
                           boolean internal, Map<String, Object> arguments, String policy, Long messagesDelayed) {
}
