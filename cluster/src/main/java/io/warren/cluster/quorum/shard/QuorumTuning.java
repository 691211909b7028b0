package io.warren.cluster.quorum.shard;

import io.warren.cluster.raft.RaftTuning;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis settings of the quorum server, which hosts a handful of shard groups on one port. Every key is per
 * server, so they differ from the definitions server's: each group (division) allocates its own direct write
 * buffer and keeps its own segment cache, so both are shrunk from Ratis's defaults (8 MiB buffer, 32 MiB segments,
 * a 200 MiB cache); elections are short enough for a quick failover (700-1400 ms, with pre-vote so a node that
 * was cut off does not unseat a healthy leader when it returns); a follower that is too far behind is told to
 * fetch a snapshot rather than sent one through Ratis (installSnapshot off: notify mode), and the pools that
 * Ratis makes per division are capped.
 */
public final class QuorumTuning {
    /** Ratis's shortest election timeout; the longest is twice this. */
    public static final long ELECTION_TIMEOUT_MS = 700;
    /** How long a command client waits for one request before it tries another member. */
    static final long COMMAND_TIMEOUT_MS = 1500;
    /** Largest batch the leader sends a follower at once; also the floor of the write buffer. */
    static final SizeInBytes APPEND_BATCH = SizeInBytes.valueOf("1MB");

    private QuorumTuning() {
    }

    /** The server's properties: gRPC on this port, groups under this directory. */
    public static RaftProperties server(int port, Path dir) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
        // the log: bodies pass through it until applied, then live in the side store, so segments stay small
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("4MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, APPEND_BATCH);
        // Ratis refuses a write buffer smaller than the appender's batch + 8 bytes
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(APPEND_BATCH.getSize() + 64 * 1024));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setSegmentCacheSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setQueueByteLimit(p, SizeInBytes.valueOf("16MB"));
        RaftServerConfigKeys.Log.setQueueElementLimit(p, 4096);
        RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf("16MB"));
        RaftServerConfigKeys.Write.setElementLimit(p, 1024);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, 20_000);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        // notify mode: a shard snapshot holds metadata only (the bodies are in each replica's side store), so a file
        // copy by Ratis would leave the follower without bodies; the follower fetches state and bodies over the link
        // instead (ShardStateMachine.notifyInstallSnapshotFromLeader, quorum.catchup)
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
        // failover
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(ELECTION_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * ELECTION_TIMEOUT_MS,
                TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        // threads: the server and client pools are per division
        RaftServerConfigKeys.ThreadPool.setServerSize(p, 2);
        RaftServerConfigKeys.ThreadPool.setClientSize(p, 2);
        RaftServerConfigKeys.ThreadPool.setProxySize(p, 4);
        GrpcConfigKeys.Server.setAsyncRequestThreadPoolSize(p, 4);
        return p;
    }

    /** A client of a shard: requests time out as the server's do, and retries span a failover. */
    public static RaftProperties client() {
        return RaftTuning.client(); // the same as the definitions group's clients
    }

    /**
     * The client that carries a node's commands (publishes, acks) to a shard. Its requests time out sooner than
     * other clients' (1.5 s, not 3 s): a request to a leader that was paused or cut off is only given up after its
     * timeout, and Ratis then tries another member, which may time out once more while it is still electing, so the
     * timeout sets most of a failover's unavailability (about 6 s with 3 s, seen in the Jepsen runs). A slow
     * request that times out is sent again with the same call id, which the leader's retry cache answers without
     * applying it twice.
     */
    public static RaftProperties commandClient() {
        RaftProperties p = RaftTuning.client();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(COMMAND_TIMEOUT_MS,
                TimeUnit.MILLISECONDS));
        return p;
    }
}
