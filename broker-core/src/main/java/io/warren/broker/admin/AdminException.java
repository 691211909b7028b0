package io.warren.broker.admin;

import io.warren.broker.error.AmqpException;
import io.warren.codec.ReplyCodes;

/** An admin operation the broker refused; the kind says how an API should report it. */
public final class AdminException extends RuntimeException {
    /** Why an operation failed. */
    public enum Kind { NOT_FOUND, BAD_REQUEST, FORBIDDEN, UNAVAILABLE }

    private final Kind kind;

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static AdminException notFound(String format, Object... args) {
        return new AdminException(Kind.NOT_FOUND, String.format(format, args));
    }

    public static AdminException badRequest(String format, Object... args) {
        return new AdminException(Kind.BAD_REQUEST, String.format(format, args));
    }

    /** The broker's own refusal (an AMQP error) in admin terms, its text kept. */
    static AdminException from(AmqpException e) {
        Kind kind = switch (e.replyCode()) {
            case ReplyCodes.NOT_FOUND -> Kind.NOT_FOUND;
            case ReplyCodes.ACCESS_REFUSED -> Kind.FORBIDDEN;
            // what a cluster node answers when the cluster has no majority to commit a change
            case ReplyCodes.INTERNAL_ERROR -> Kind.UNAVAILABLE;
            default -> Kind.BAD_REQUEST;
        };
        return new AdminException(kind, e.replyText());
    }
}
