package io.warren.cluster;

import io.warren.broker.tls.TlsSettings;
import java.time.Duration;
import java.util.List;

/**
 * How a node takes part in a cluster.
 *
 * @param nodeName        this node's name
 * @param host            the host other nodes reach this one at (when it is not in the members list)
 * @param port            the port of this node's cluster (Raft) traffic
 * @param members         the cluster's initial members; a node not among them waits to be added to a running cluster
 * @param commitTimeout   how long a definition change waits for a majority before it is refused
 * @param snapshotEvery   log entries between two snapshots of the definitions
 * @param electionTimeout the shortest time without a leader before a follower stands for election (the longest is
 *                        twice this); long enough for GC pauses on a busy machine
 * @param segmentBytes    size at which the Raft log rolls to a new segment; only whole segments behind a snapshot
 *                        are trimmed
 * @param linkPort        the port of this node's message link (0: the cluster port + 1)
 * @param linkTls         the certificate, key and CA bundle of the link's TLS, or null for plain TCP
 * @param quorumPort      the port of this node's quorum-queue (shard) Raft server (0: the cluster port + 2)
 * @param formsQuorumShards whether an initial member of a cluster of two or more forms the quorum shards (by
 *                        default it does: quorum queues live in them)
 */
public record ClusterSettings(String nodeName, String host, int port, List<ClusterMember> members,
                              Duration commitTimeout, long snapshotEvery, Duration electionTimeout,
                              long segmentBytes, int linkPort, TlsSettings linkTls, int quorumPort,
                              boolean formsQuorumShards) {
    public ClusterSettings {
        members = List.copyOf(members);
        if (linkTls != null && linkTls.ca() == null) {
            throw new IllegalArgumentException("TLS for the cluster link needs a CA bundle to check the other "
                    + "nodes' certificates against");
        }
    }

    /** A node with the given name and cluster port, and default timeouts. */
    public static ClusterSettings of(String nodeName, String host, int port, List<ClusterMember> members) {
        return new ClusterSettings(nodeName, host, port, members, Duration.ofSeconds(5), 1000, Duration.ofSeconds(1),
                1024 * 1024, 0, null, 0, true);
    }

    public ClusterSettings withCommitTimeout(Duration d) {
        return new ClusterSettings(nodeName, host, port, members, d, snapshotEvery, electionTimeout, segmentBytes,
                linkPort, linkTls, quorumPort, formsQuorumShards);
    }

    public ClusterSettings withSnapshotEvery(long entries) {
        return new ClusterSettings(nodeName, host, port, members, commitTimeout, entries, electionTimeout,
                segmentBytes, linkPort, linkTls, quorumPort, formsQuorumShards);
    }

    public ClusterSettings withSegmentBytes(long bytes) {
        return new ClusterSettings(nodeName, host, port, members, commitTimeout, snapshotEvery, electionTimeout,
                bytes, linkPort, linkTls, quorumPort, formsQuorumShards);
    }

    /** The same, with the message link on this port (0: the cluster port + 1). */
    public ClusterSettings withLinkPort(int p) {
        return new ClusterSettings(nodeName, host, port, members, commitTimeout, snapshotEvery, electionTimeout,
                segmentBytes, p, linkTls, quorumPort, formsQuorumShards);
    }

    /** The same, with the message link over TLS with these files (null: plain TCP); needs a CA bundle. */
    public ClusterSettings withLinkTls(TlsSettings t) {
        return new ClusterSettings(nodeName, host, port, members, commitTimeout, snapshotEvery, electionTimeout,
                segmentBytes, linkPort, t, quorumPort, formsQuorumShards);
    }

    /** The same, with the quorum-queue Raft server on this port (0: the cluster port + 2). */
    public ClusterSettings withQuorumPort(int p) {
        return new ClusterSettings(nodeName, host, port, members, commitTimeout, snapshotEvery, electionTimeout,
                segmentBytes, linkPort, linkTls, p, formsQuorumShards);
    }

    /** The same, forming the quorum shards (or not) when the cluster forms. */
    public ClusterSettings withQuorumShards(boolean forms) {
        return new ClusterSettings(nodeName, host, port, members, commitTimeout, snapshotEvery, electionTimeout,
                segmentBytes, linkPort, linkTls, quorumPort, forms);
    }

    /** The port this node's quorum-queue Raft server listens on. */
    public int effectiveQuorumPort() {
        return quorumPort > 0 ? quorumPort : port + 2;
    }

    /** The port this node's message link listens on. */
    public int effectiveLinkPort() {
        return linkPort > 0 ? linkPort : port + 1;
    }

    /** This node as a member: its entry in the list, or its name at host:port when it is not listed. */
    public ClusterMember self() {
        return members.stream().filter(m -> m.name().equals(nodeName)).findFirst()
                .orElseGet(() -> new ClusterMember(nodeName, host, port));
    }

    /** Whether this node is one of the initial members (else it waits to be added). */
    public boolean initialMember() {
        return members.stream().anyMatch(m -> m.name().equals(nodeName));
    }
}
