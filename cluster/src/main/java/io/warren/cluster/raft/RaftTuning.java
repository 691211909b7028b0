package io.warren.cluster.raft;

import io.warren.cluster.ClusterSettings;
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
 * Ratis settings for a definitions log on a small, shared machine. Definitions entries are small and rare, so the
 * log's segments and buffers are shrunk from Ratis's defaults (8 MiB segments and direct write buffers, 4 MiB
 * appender batches); elections wait long enough (1-2 s by default) that a GC pause or a busy core does not unseat
 * a healthy leader; thread pools are kept small.
 */
public final class RaftTuning {
    private RaftTuning() {
    }

    public static RaftProperties server(ClusterSettings s, Path raftDir) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(p, s.port());
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.segmentBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(64 * 1024, s.segmentBytes())));
        // the write buffer must hold the largest batch the appender sends plus a few bytes of framing
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("256KB"));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf("512KB"));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        // trim the log behind each snapshot (Ratis waits for 1024 entries by default)
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.max(1, Math.min(s.snapshotEvery(), 1024)));
        long ms = s.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * ms, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotEvery());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.ThreadPool.setServerSize(p, 4);
        RaftServerConfigKeys.ThreadPool.setClientSize(p, 4);
        RaftServerConfigKeys.ThreadPool.setProxySize(p, 4);
        GrpcConfigKeys.Server.setAsyncRequestThreadPoolSize(p, 4);
        return p;
    }

    public static RaftProperties client() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        return p;
    }
}
