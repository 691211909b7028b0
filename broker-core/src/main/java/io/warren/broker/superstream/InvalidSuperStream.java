package io.warren.broker.superstream;

/** A super stream declaration that cannot be made as asked; the message names it and says what to change. */
public final class InvalidSuperStream extends IllegalArgumentException {
    public InvalidSuperStream(String vhost, String name, String reason) {
        super("super stream '" + name + "' in vhost '" + vhost + "': " + reason);
    }
}
