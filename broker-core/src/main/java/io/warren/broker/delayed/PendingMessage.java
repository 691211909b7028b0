package io.warren.broker.delayed;

import io.warren.codec.BasicProperties;

/** A message a delayed exchange holds, as listed: when it is due (epoch ms) and what it carries. */
public record PendingMessage(long dueAtMillis, String routingKey, int bodySize, BasicProperties properties) {
}
