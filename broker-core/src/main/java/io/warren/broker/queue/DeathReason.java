package io.warren.broker.queue;

/** Why a message left its queue for the dead-letter exchange, named as in RabbitMQ's x-death header. */
public enum DeathReason {
    REJECTED("rejected"), EXPIRED("expired"), MAXLEN("maxlen"), DELIVERY_LIMIT("delivery_limit");

    private final String header;

    DeathReason(String header) {
        this.header = header;
    }

    /** The reason as RabbitMQ writes it in x-death. */
    public String header() {
        return header;
    }
}
