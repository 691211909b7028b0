package io.warren.broker.policy;

/** A policy that cannot be set: the message says why, in RabbitMQ's words where it has some. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message);
    }
}
