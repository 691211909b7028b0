package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Where a replica told to install a snapshot (Ratis notify mode) gets one: the shard's state and live bodies, from
 * another replica (the leader), over Warren's link rather than through Ratis, because a shard snapshot holds
 * metadata only and the bodies live beside the log. Futures complete on a link thread: callers must not block it.
 */
public interface SnapshotSource {
    /** Largest part of a snapshot's state sent at once. */
    int STATE_CHUNK = 1024 * 1024;
    /** About how many body bytes one answer carries (at least one body, however large). */
    int BODY_BYTES = 1024 * 1024;

    /**
     * A part of the state bytes of the node's snapshot of the group: its latest when at is null (offset 0), else the
     * one at that term and index, from offset on.
     */
    CompletableFuture<StateChunk> state(String node, RaftGroupId group, TermIndex at, long offset);

    /**
     * The bodies stored under these msgIds (ascending) of the queue on that node, in order, as many as fit in about
     * {@link #BODY_BYTES}.
     */
    CompletableFuture<BodyChunk> bodies(String node, RaftGroupId group, QueueKey queue, long[] msgIds);

    /** A part of a snapshot's state: the snapshot's term and index, the state's whole length and these bytes. */
    record StateChunk(TermIndex at, long total, byte[] bytes) {
    }

    /**
     * Bodies for the first {@code bodies.size()} msgIds asked, each null when it is gone (released since the snapshot,
     * so the log after it releases it too: an entry at an index no later than releasedBy).
     */
    record BodyChunk(long releasedBy, List<ByteBuffer> bodies) {
    }

    /** No way to fetch: a replica without the link (tests of the bare state machine). */
    SnapshotSource NONE = new SnapshotSource() {
        @Override
        public CompletableFuture<StateChunk> state(String node, RaftGroupId group, TermIndex at, long offset) {
            return CompletableFuture.failedFuture(new IllegalStateException("this replica has no way to fetch a "
                    + "shard snapshot from node " + node));
        }

        @Override
        public CompletableFuture<BodyChunk> bodies(String node, RaftGroupId group, QueueKey queue, long[] msgIds) {
            return CompletableFuture.failedFuture(new IllegalStateException("this replica has no way to fetch "
                    + "shard bodies from node " + node));
        }
    };
}
