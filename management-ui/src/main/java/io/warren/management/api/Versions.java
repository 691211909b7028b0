package io.warren.management.api;

/** The versions Warren reports: its own, and the RabbitMQ level it follows so that tools checking it accept it. */
public final class Versions {
    /** The RabbitMQ (and management API) version Warren behaves as. */
    public static final String RABBITMQ = "3.10.8";
    /** Warren's own version. */
    public static final String WARREN = io.warren.broker.WarrenVersion.get();

    private Versions() {
    }
}
