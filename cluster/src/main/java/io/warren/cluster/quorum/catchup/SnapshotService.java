package io.warren.cluster.quorum.catchup;

import io.netty.buffer.ByteBuf;
import io.warren.cluster.link.ClusterLink;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.raft.SnapshotServe;
import io.warren.cluster.quorum.shard.QuorumServer;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.StateMachine;

/**
 * This node's answers to other nodes fetching a shard snapshot over the link: the shard's replica here (in the quorum
 * server) serves its latest snapshot and the bodies it holds live.
 */
public final class SnapshotService implements ClusterLink.SnapshotAnswers {
    private final SnapshotServe serve;

    public SnapshotService(Supplier<QuorumServer> quorum) {
        this.serve = new SnapshotServe(group -> replica(quorum.get(), group));
    }

    private static ShardStateMachine replica(QuorumServer quorum, RaftGroupId group) throws IOException {
        RaftServer server = quorum == null ? null : quorum.server();
        if (server == null) {
            throw new IOException("no quorum server runs on this node");
        }
        StateMachine sm = server.getDivision(group).getStateMachine();
        if (!(sm instanceof ShardStateMachine shard)) {
            throw new IOException("shard group " + group.getUuid() + " here keeps no snapshots with bodies");
        }
        return shard;
    }

    @Override
    public void state(ByteBuf request, ByteBuf answer) throws IOException {
        SnapshotFrames.StateRequest r = SnapshotFrames.readStateRequest(request);
        SnapshotFrames.writeState(answer, serve.state(r.group(), r.at(), r.offset()));
    }

    @Override
    public void bodies(ByteBuf request, ByteBuf answer) throws IOException {
        SnapshotFrames.BodiesRequest r = SnapshotFrames.readBodiesRequest(request);
        SnapshotFrames.writeBodies(answer, serve.bodies(r.group(), r.queue(), r.msgIds()));
    }
}
