package io.warren.cluster.quorum.catchup;

import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.quorum.raft.SnapshotSource;
import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;

/** Fetches shard snapshots from other nodes over the cluster link (frames 80-83, answered by SnapshotService). */
public final class LinkSnapshotSource implements SnapshotSource {
    private final ClusterLink link;

    public LinkSnapshotSource(ClusterLink link) {
        this.link = link;
    }

    @Override
    public CompletableFuture<StateChunk> state(String node, RaftGroupId group, TermIndex at, long offset) {
        CompletableFuture<StateChunk> f = new CompletableFuture<>();
        link.askSnapshotState(node, out -> SnapshotFrames.writeStateRequest(out, group, at, offset), (in, error) -> {
            if (in == null) {
                f.completeExceptionally(new IOException(error));
                return;
            }
            try {
                f.complete(SnapshotFrames.readState(in));
            } catch (RuntimeException e) {
                f.completeExceptionally(new IOException("node " + node + "'s snapshot answer is unreadable: " + e, e));
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<BodyChunk> bodies(String node, RaftGroupId group, QueueKey queue, long[] msgIds) {
        CompletableFuture<BodyChunk> f = new CompletableFuture<>();
        link.askSnapshotBodies(node, out -> SnapshotFrames.writeBodiesRequest(out, group, queue, msgIds),
                (in, error) -> {
                    if (in == null) {
                        f.completeExceptionally(new IOException(error));
                        return;
                    }
                    try {
                        f.complete(SnapshotFrames.readBodies(in));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(new IOException("node " + node + "'s bodies answer is unreadable: "
                                + e, e));
                    }
                });
        return f;
    }
}
