package io.warren.broker.auth;

import java.util.regex.Pattern;

/** A user's configure, write and read patterns in one vhost, as in RabbitMQ. */
public final class Permission {
    public static final Permission ALL = new Permission(".*", ".*", ".*");

    private final String configure;
    private final String write;
    private final String read;
    private final Pattern configurePattern;
    private final Pattern writePattern;
    private final Pattern readPattern;

    public Permission(String configure, String write, String read) {
        this.configure = configure;
        this.write = write;
        this.read = read;
        this.configurePattern = compile(configure);
        this.writePattern = compile(write);
        this.readPattern = compile(read);
    }

    private static Pattern compile(String pattern) {
        // RabbitMQ treats the empty pattern as "nothing"
        return pattern.isEmpty() ? null : Pattern.compile(pattern);
    }

    public String configure() {
        return configure;
    }

    public String write() {
        return write;
    }

    public String read() {
        return read;
    }

    public boolean canConfigure(String resource) {
        return matches(configurePattern, resource);
    }

    public boolean canWrite(String resource) {
        return matches(writePattern, resource);
    }

    public boolean canRead(String resource) {
        return matches(readPattern, resource);
    }

    private static boolean matches(Pattern p, String resource) {
        // a search, as RabbitMQ does (re:run): "^app\\." grants "app.orders"
        return p != null && p.matcher(resource).find();
    }
}
