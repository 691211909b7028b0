package io.warren.broker.admin;

import java.util.Map;

/** A binding from an exchange to a queue or exchange; destinationType is "queue" or "exchange". */
public record BindingView(String vhost, String source, String destination, String destinationType,
                          String routingKey, Map<String, Object> arguments) {
}
