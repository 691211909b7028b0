package io.warren.broker.superstream;

/** A super stream declaration that cannot be made as asked; the message says why and what to change. */
public final class InvalidSuperStream extends IllegalArgumentException {
    public InvalidSuperStream(String message) {
        super(message);
    }
}
