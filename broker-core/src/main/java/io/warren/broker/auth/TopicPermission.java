package io.warren.broker.auth;

import java.util.regex.Pattern;

/**
 * A user's write and read patterns over the routing keys of one topic exchange in one vhost, as in RabbitMQ: write
 * is checked against a published message's routing key, read against a binding key on queue.bind and unbind. The
 * variables {username} and {vhost} in a pattern stand for the user's name and the vhost.
 */
public final class TopicPermission {
    private final String exchange;
    private final String write;
    private final String read;
    private final Pattern writePattern;
    private final Pattern readPattern;

    public TopicPermission(String user, String vhost, String exchange, String write, String read) {
        this.exchange = exchange;
        this.write = write;
        this.read = read;
        this.writePattern = compile(write, user, vhost);
        this.readPattern = compile(read, user, vhost);
    }

    private static Pattern compile(String pattern, String user, String vhost) {
        // RabbitMQ reads the empty pattern as "^$": only the empty routing key
        String p = pattern.isEmpty() ? "^$" : pattern.replace("{username}", user).replace("{vhost}", vhost);
        return Pattern.compile(p);
    }

    public String exchange() {
        return exchange;
    }

    public String write() {
        return write;
    }

    public String read() {
        return read;
    }

    public boolean canWrite(String routingKey) {
        return writePattern.matcher(routingKey).find();
    }

    public boolean canRead(String routingKey) {
        return readPattern.matcher(routingKey).find();
    }
}
