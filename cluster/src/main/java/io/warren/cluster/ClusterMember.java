package io.warren.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * A node of the cluster: its name and the host and port of its cluster (Raft) traffic, written name@host:port. The
 * name may itself contain '@' (warren@host, as RabbitMQ's rabbit@host): the address follows the last one.
 */
public record ClusterMember(String name, String host, int port) {
    public ClusterMember {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a cluster node needs a name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("cluster port of node '" + name + "' must be 1-65535, not " + port);
        }
    }

    /** host:port, as Ratis addresses a peer. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return name + "@" + address();
    }

    /** Parses name@host:port. */
    public static ClusterMember parse(String text) {
        String s = text.strip();
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a cluster node: write name@host:port, e.g. "
                    + "a@10.0.0.1:7000");
        }
        return of(s.substring(0, at), s.substring(at + 1));
    }

    /** A node named name reached at host:port. */
    public static ClusterMember of(String name, String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not host:port (node '" + name + "')");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' is not host:port (node '" + name + "')");
        }
        return new ClusterMember(name, address.substring(0, colon), port);
    }

    /** Parses a comma-separated list of name@host:port; the same name twice is refused. */
    public static List<ClusterMember> parseList(String text) {
        List<ClusterMember> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            ClusterMember m = parse(part);
            if (out.stream().anyMatch(o -> o.name().equals(m.name()))) {
                throw new IllegalArgumentException("node '" + m.name() + "' is listed twice in the cluster nodes");
            }
            out.add(m);
        }
        return List.copyOf(out);
    }
}
