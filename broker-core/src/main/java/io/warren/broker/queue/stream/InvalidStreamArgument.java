package io.warren.broker.queue.stream;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;

/**
 * A stream queue's declare or consume argument that cannot be used, worded as RabbitMQ's argument checks word it
 * ({@code invalid arg 'x-max-age' for queue 'q' in vhost '/': invalid_max_age}).
 */
public final class InvalidStreamArgument extends IllegalArgumentException {
    private final String argument;

    InvalidStreamArgument(String argument, String reason) {
        super(reason);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }

    /** The 406 PRECONDITION_FAILED channel error the declare or consume naming this queue gets. */
    public AmqpException toReply(String queue, String vhost) {
        return AmqpException.channel(PRECONDITION_FAILED, "invalid arg '%s' for %s: %s", argument,
                ErlangTerms.queue(queue, vhost), getMessage());
    }
}
