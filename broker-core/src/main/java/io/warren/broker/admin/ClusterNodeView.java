package io.warren.broker.admin;

/**
 * One member of the cluster as this node sees it.
 *
 * @param address   host:port of its cluster traffic (null on a node not in a cluster)
 * @param role      leader, follower, or unknown when this node cannot tell
 * @param self      whether it is the node answering
 * @param reachable whether this node hears from it (always true for itself)
 */
public record ClusterNodeView(String name, String address, String role, boolean self, boolean reachable) {
}
