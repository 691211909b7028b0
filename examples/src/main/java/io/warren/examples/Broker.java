package io.warren.examples;

import com.rabbitmq.client.ConnectionFactory;

/** Connection settings shared by the examples: an optional AMQP URI as the first argument. */
final class Broker {
    static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";

    private Broker() {
    }

    static ConnectionFactory factory(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : DEFAULT_URI;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        // An example should fail fast and visibly, not retry behind the user's back.
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5_000);
        System.out.printf("Connecting to %s:%d vhost '%s'%n", factory.getHost(), factory.getPort(), factory.getVirtualHost());
        return factory;
    }

    /** Ends the program with a non-zero status (via the exception) when the check failed. */
    static void report(boolean ok, String summary) {
        if (!ok) {
            throw new IllegalStateException("FAILED: " + summary);
        }
        System.out.println("OK: " + summary);
    }
}
