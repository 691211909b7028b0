package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.ACCESS_REFUSED;

import io.warren.broker.auth.Permission;
import io.warren.broker.error.AmqpException;

/**
 * Checks a user's configure, write and read rights on a resource, with RabbitMQ's refusal text. The default
 * exchange, whose name is empty, is checked (and named in refusals) as "amq.default", as RabbitMQ does: otherwise
 * a pattern could not grant it without granting every name that matches the empty string.
 */
final class Access {
    static final String DEFAULT_EXCHANGE = "amq.default";

    private final Permission permission;
    private final String user;
    private final String vhost;
    private String lastWritable;

    Access(Permission permission, String user, String vhost) {
        this.permission = permission;
        this.user = user;
        this.vhost = vhost;
    }

    void configure(String kind, String resource) {
        String name = name(kind, resource);
        if (!permission.canConfigure(name)) {
            throw refused("configure", kind, name);
        }
    }

    void write(String kind, String resource) {
        String name = name(kind, resource);
        // publishers write to one exchange over and over; remember the last one allowed
        if (name.equals(lastWritable)) {
            return;
        }
        if (!permission.canWrite(name)) {
            throw refused("write", kind, name);
        }
        lastWritable = name;
    }

    void read(String kind, String resource) {
        String name = name(kind, resource);
        if (!permission.canRead(name)) {
            throw refused("read", kind, name);
        }
    }

    private static String name(String kind, String resource) {
        return resource.isEmpty() && "exchange".equals(kind) ? DEFAULT_EXCHANGE : resource;
    }

    private AmqpException refused(String right, String kind, String name) {
        return AmqpException.channel(ACCESS_REFUSED, "%s access to %s '%s' in vhost '%s' refused for user '%s'",
                right, kind, name, vhost, user);
    }
}
