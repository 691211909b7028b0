package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.SnapshotCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * Answers another replica's snapshot fetch ({@link SnapshotFetch}) from this node's replica of the shard: the state
 * from its latest snapshot file, in parts, and the bodies that state holds live from its body store. A body released
 * here since the snapshot is answered as gone: the log after the snapshot releases it on the fetching replica too.
 * The state being sent is kept in memory per shard until a fetch asks for a newer snapshot, so a snapshot file
 * deleted meanwhile (Ratis keeps two) does not break a fetch in progress.
 */
public final class SnapshotServe {
    /** This node's replica of a shard, or an exception naming why there is none. */
    public interface Replicas {
        ShardStateMachine replica(RaftGroupId group) throws IOException;
    }

    private final Replicas replicas;
    private final Map<RaftGroupId, Served> served = new ConcurrentHashMap<>();

    public SnapshotServe(Replicas replicas) {
        this.replicas = replicas;
    }

    private record Served(TermIndex at, byte[] state) {
    }

    /** A part of the state of the replica's latest snapshot (at null), or of the one at that term and index. */
    public SnapshotSource.StateChunk state(RaftGroupId group, TermIndex at, long offset) throws IOException {
        ShardStateMachine sm = replicas.replica(group);
        Served s = served.get(group);
        if (at == null || s == null || !s.at().equals(at)) {
            SnapshotInfo info = sm.getLatestSnapshot();
            if (info == null || info.getFiles().isEmpty()) {
                throw new IOException("no snapshot of shard group " + group.getUuid() + " here yet");
            }
            if (at != null && !info.getTermIndex().equals(at)) {
                throw new IOException("the snapshot at " + at + " of shard group " + group.getUuid() + " is no longer "
                        + "kept here (the latest is at " + info.getTermIndex() + "); fetch it again");
            }
            ShardSnapshotFile file = ShardSnapshotFile.read(info.getFiles().get(0).getPath());
            s = new Served(file.at(), SnapshotCodec.encode(file.state()));
            served.put(group, s);
        }
        if (offset < 0 || offset > s.state().length) {
            throw new IOException("offset " + offset + " is outside the snapshot's " + s.state().length + " bytes");
        }
        int from = (int) offset;
        int to = Math.min(s.state().length, from + SnapshotSource.STATE_CHUNK);
        return new SnapshotSource.StateChunk(s.at(), s.state().length, Arrays.copyOfRange(s.state(), from, to));
    }

    /** The bodies stored under these msgIds (ascending), null for those released here, up to about BODY_BYTES. */
    public SnapshotSource.BodyChunk bodies(RaftGroupId group, QueueKey queue, long[] msgIds) throws IOException {
        ShardStateMachine sm = replicas.replica(group);
        List<ByteBuffer> out = new ArrayList<>();
        // a queue deleted here since: all of its bodies are gone (and reading would make its log again)
        boolean kept = sm.readState(s -> s.queueKeys().contains(queue));
        long bytes = 0;
        for (long id : msgIds) {
            ByteBuffer b = kept ? sm.bodies().read(queue, id) : null;
            out.add(b);
            bytes += b == null ? 0 : b.remaining();
            if (bytes >= SnapshotSource.BODY_BYTES) {
                break;
            }
        }
        // read after the bodies: an entry that released one was applied by then, or is being applied (hence + 1)
        TermIndex applied = sm.getLastAppliedTermIndex();
        return new SnapshotSource.BodyChunk(applied == null ? 0 : applied.getIndex() + 1, out);
    }
}
