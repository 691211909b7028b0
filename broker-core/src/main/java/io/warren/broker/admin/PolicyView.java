package io.warren.broker.admin;

import java.util.Map;

/** A policy as RabbitMQ defines one: which queues or exchanges it applies to, and its definition. */
public record PolicyView(String vhost, String name, String pattern, String applyTo, Map<String, Object> definition,
                         int priority) {
}
