package io.warren.examples;

import com.rabbitmq.client.ConnectionFactory;

/**
 * Connection settings shared by the examples: the broker's AMQP URI is the first argument, else the AMQP_URL
 * environment variable, else {@value #DEFAULT_URI}.
 */
final class Broker {
    static final String DEFAULT_URI = "amqp://guest:guest@localhost:5672";
    static final String URI_VARIABLE = "AMQP_URL";

    private Broker() {
    }

    /** The URI the examples connect to: the first argument, else $AMQP_URL, else the default. */
    static String uri(String[] args) {
        if (args.length > 0) {
            return args[0];
        }
        String fromEnvironment = System.getenv(URI_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_URI : fromEnvironment;
    }

    static ConnectionFactory factory(String[] args) throws Exception {
        String uri = uri(args);
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
