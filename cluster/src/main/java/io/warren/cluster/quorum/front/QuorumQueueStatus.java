package io.warren.cluster.quorum.front;

import io.warren.broker.admin.QuorumQueueView;
import io.warren.cluster.quorum.shard.ShardCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;

/** Builds the management API's view of a quorum queue from its shard's catalogue entry and the local replica. */
final class QuorumQueueStatus {
    private QuorumQueueStatus() {
    }

    /**
     * @param leader  the shard's leader as this node knows it
     * @param local   this node's replica of the shard, or null when it has none
     * @param running whether a node is running as far as this node knows
     */
    static QuorumQueueView of(ShardCatalog.Shard shard, String leader, RaftServer.Division local,
                              Predicate<String> running) {
        List<String> online = shard.members().stream().filter(running).toList();
        return new QuorumQueueView(shard.id(), leader, shard.members(), online, local == null ? null : replica(local));
    }

    static QuorumQueueView.Replica replica(RaftServer.Division d) {
        DivisionInfo info = d.getInfo();
        TermIndex last = d.getRaftLog().getLastEntryTermIndex();
        long lastIndex = last == null ? -1 : last.getIndex();
        List<QuorumQueueView.Follower> followers = new ArrayList<>();
        if (info.isLeader()) {
            RaftProtos.RoleInfoProto role = info.getRoleInfoProto();
            long[] match = info.getFollowerMatchIndices();
            List<RaftProtos.ServerRpcProto> rpcs = role.hasLeaderInfo()
                    ? role.getLeaderInfo().getFollowerInfoList() : List.of();
            // both lists come from the leader's followers in the same order; they differ only while the
            // group's membership changes, when the figures are left out rather than paired wrongly
            if (rpcs.size() == match.length) {
                for (int i = 0; i < match.length; i++) {
                    RaftProtos.ServerRpcProto f = rpcs.get(i);
                    followers.add(new QuorumQueueView.Follower(f.getId().getId().toStringUtf8(), match[i],
                            Math.max(0, lastIndex - match[i]), f.getLastRpcElapsedTimeMs()));
                }
            }
        }
        return new QuorumQueueView.Replica(d.getId().toString(), info.getCurrentRole().name().toLowerCase(Locale.ROOT),
                info.getCurrentTerm(), d.getRaftLog().getLastCommittedIndex(), info.getLastAppliedIndex(), lastIndex,
                d.getRaftLog().getSnapshotIndex(), followers);
    }
}
