package io.warren.broker.auth;

import java.net.InetAddress;
import java.util.Set;

/** Users that may log in only from this machine, like RabbitMQ's loopback_users (guest by default). */
public final class LoopbackUsers {
    private final Set<String> names;

    public LoopbackUsers(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    /** Whether the user may log in from the given peer address. */
    public boolean allows(String user, InetAddress peer) {
        return !names.contains(user) || (peer != null && peer.isLoopbackAddress());
    }
}
