package io.warren.broker.admin;

/** A port a node listens on, as RabbitMQ lists listeners: protocol (amqp, amqp/ssl, http, https), address, port. */
public record ListenerView(String protocol, String ipAddress, int port) {
}
