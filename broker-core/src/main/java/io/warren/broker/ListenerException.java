package io.warren.broker;

/** A listener (AMQP, AMQPS, HTTP, HTTPS) could not bind its address and port; the message says which and why. */
public final class ListenerException extends RuntimeException {
    private final String listener;
    private final String address;
    private final int port;

    public ListenerException(String listener, String address, int port, Throwable cause) {
        super("cannot listen on " + address + ":" + port + " (" + listener + "): " + FailureReason.of(cause), cause);
        this.listener = listener;
        this.address = address;
        this.port = port;
    }

    /** AMQP, AMQPS, HTTP or HTTPS. */
    public String listener() {
        return listener;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }
}
