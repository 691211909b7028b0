package io.warren.server;

import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.tls.TlsSettings;
import io.warren.cluster.ClusterMember;
import io.warren.cluster.ClusterSettings;
import java.util.List;
import java.util.Map;

/**
 * The cluster part of the flags and config file. Without cluster-port and cluster-nodes the node is a cluster of
 * one and starts as a single broker always has (no Raft log, no extra port); node-name then only names it.
 *
 * @param nodeName this node's name (default warren@ and the host name)
 * @param settings how it takes part in a cluster, or null when it does not
 */
public record ClusterOptions(String nodeName, ClusterSettings settings) {
    /** Takes the cluster keys out of the merged flags and config file; throws IllegalArgumentException on bad ones. */
    static ClusterOptions take(Map<String, String> merged, String bindAddress) {
        return take(merged, bindAddress, null);
    }

    /**
     * As {@link #take(Map, String)}, with the node's TLS settings (or null), which cluster-link-tls puts on the link
     * between nodes.
     */
    static ClusterOptions take(Map<String, String> merged, String bindAddress, TlsSettings tls) {
        String name = blankIsNone(merged.remove("node-name"));
        String portText = blankIsNone(merged.remove("cluster-port"));
        String nodesText = blankIsNone(merged.remove("cluster-nodes"));
        String linkPortText = blankIsNone(merged.remove("cluster-link-port"));
        String linkTlsText = blankIsNone(merged.remove("cluster-link-tls"));
        String quorumPortText = blankIsNone(merged.remove("quorum-port"));
        boolean linkTls = linkTlsText != null && ServerOptions.bool(linkTlsText, false, "cluster-link-tls");
        if (linkTls && (tls == null || tls.ca() == null)) {
            throw new IllegalArgumentException("cluster-link-tls needs tls-cert, tls-key and tls-ca: each node shows "
                    + "its certificate to the others and checks theirs against the CA bundle");
        }
        String nodeName = name == null || name.isBlank() ? BrokerAdmin.defaultNodeName() : name.strip();
        if (portText == null && nodesText == null) {
            if (linkPortText != null || linkTls) {
                throw new IllegalArgumentException("cluster-link-port and cluster-link-tls are only for a node in a "
                        + "cluster: give cluster-port or cluster-nodes too");
            }
            if (quorumPortText != null) {
                throw new IllegalArgumentException("quorum-port is only for a node in a cluster (quorum queues are "
                        + "replicated between nodes): give cluster-port or cluster-nodes too");
            }
            return new ClusterOptions(nodeName, null);
        }
        List<ClusterMember> members = nodesText == null ? List.of() : ClusterMember.parseList(nodesText);
        ClusterMember self = members.stream().filter(m -> m.name().equals(nodeName)).findFirst().orElse(null);
        int port;
        if (portText == null) {
            if (self == null) {
                throw new IllegalArgumentException("cluster-port is needed: node '" + nodeName + "' is not in "
                        + "cluster-nodes, so nothing says which port its cluster traffic uses");
            }
            port = self.port();
        } else {
            port = ServerOptions.port(portText, 0, "cluster-port");
            if (port <= 0) {
                throw new IllegalArgumentException("cluster-port must be a port between 1 and 65535, got "
                        + portText);
            }
            if (self != null && self.port() != port) {
                throw new IllegalArgumentException("cluster-port " + port + " differs from the port cluster-nodes "
                        + "gives node '" + nodeName + "' (" + self + ")");
            }
        }
        if (members.isEmpty()) {
            // a cluster of one that others can join later
            members = List.of(new ClusterMember(nodeName, host(bindAddress), port));
        }
        int linkPort = 0;
        if (linkPortText != null) {
            linkPort = ServerOptions.port(linkPortText, 0, "cluster-link-port");
            if (linkPort <= 0 || linkPort == port) {
                throw new IllegalArgumentException("cluster-link-port must be a port between 1 and 65535 other "
                        + "than cluster-port (" + port + "), got " + linkPortText);
            }
        }
        int quorumPort = 0;
        if (quorumPortText != null) {
            quorumPort = ServerOptions.port(quorumPortText, 0, "quorum-port");
            int link = linkPort > 0 ? linkPort : port + 1;
            if (quorumPort <= 0 || quorumPort == port || quorumPort == link) {
                throw new IllegalArgumentException("quorum-port must be a port between 1 and 65535 other than "
                        + "cluster-port (" + port + ") and the link's port (" + link + "), got " + quorumPortText);
            }
        }
        return new ClusterOptions(nodeName, ClusterSettings.of(nodeName, host(bindAddress), port, members)
                .withLinkPort(linkPort).withLinkTls(linkTls ? tls : null).withQuorumPort(quorumPort));
    }

    private static String blankIsNone(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The host other nodes reach this one at, when cluster-nodes does not say. */
    private static String host(String bindAddress) {
        if (!bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) {
            return bindAddress;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
