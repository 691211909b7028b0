package io.warren.broker.alarm;

/** A resource the broker can run low on; its alarm blocks publishers until it recovers. */
public enum Resource {
    MEMORY("memory"),
    DISK("disk");

    private final String label;

    Resource(String label) {
        this.label = label;
    }

    /** The word RabbitMQ uses for it in connection.blocked reasons and alarm listings ("memory", "disk"). */
    public String label() {
        return label;
    }
}
