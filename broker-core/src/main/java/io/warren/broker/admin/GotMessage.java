package io.warren.broker.admin;

import io.warren.codec.BasicProperties;

/** A message taken from a queue for inspection: a copy of its body and properties. */
public record GotMessage(String exchange, String routingKey, boolean redelivered, int remaining,
                         BasicProperties properties, byte[] body) {
}
