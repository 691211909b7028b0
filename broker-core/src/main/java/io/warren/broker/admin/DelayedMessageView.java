package io.warren.broker.admin;

import io.warren.codec.BasicProperties;

/** A message a delayed exchange holds: when it is due (epoch ms), its routing key, body size and properties. */
public record DelayedMessageView(long dueAtMillis, String routingKey, int bodySize, BasicProperties properties) {
}
