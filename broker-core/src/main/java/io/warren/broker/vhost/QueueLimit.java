package io.warren.broker.vhost;

import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.error.AmqpException;

/** A vhost's max-queues limit (-1: none): a new queue beyond it is refused, queues already there stay. */
public final class QueueLimit {
    private volatile int max = -1;

    public void set(int max) {
        this.max = max;
    }

    /** Refuses a new queue, with RabbitMQ's text, when the vhost already holds its limit of queues. */
    void checkNew(String queue, String vhost, int queues) {
        int m = max;
        if (m >= 0 && queues >= m) {
            throw AmqpException.channel(PRECONDITION_FAILED, "cannot declare queue '%s': queue limit in vhost '%s' "
                    + "(%d) is reached", queue, vhost, m);
        }
    }
}
