package io.warren.broker.admin;

import java.util.Map;

/**
 * An exchange's declaration; name "" is the default exchange. messagesDelayed is what an x-delayed-message exchange
 * holds back, null for other types.
 */
public record ExchangeView(String vhost, String name, String type, boolean durable, boolean autoDelete,
                           boolean internal, Map<String, Object> arguments, Long messagesDelayed) {
}
