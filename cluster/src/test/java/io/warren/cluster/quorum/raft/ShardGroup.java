package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.Effect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** Three bare Ratis servers in this JVM hosting one shard group with {@link ShardStateMachine}: no broker. */
final class ShardGroup implements AutoCloseable {
    static final RaftGroupId GROUP = RaftGroupId.valueOf(UUID.nameUUIDFromBytes("warren-quorum-test".getBytes()));

    private final Path root;
    private final long segmentBytes;
    private final List<RaftPeer> peers = new ArrayList<>();
    private final RaftServer[] servers;
    /** Per server, the effects its listener was given (only while it was the ready leader). */
    final List<List<Effect>> carriedOut = new ArrayList<>();

    ShardGroup(Path root, int size, long segmentBytes) throws IOException {
        this.root = root;
        this.segmentBytes = segmentBytes;
        this.servers = new RaftServer[size];
        for (int i = 0; i < size; i++) {
            peers.add(RaftPeer.newBuilder().setId("n" + i).setAddress("127.0.0.1:" + freePort()).build());
            carriedOut.add(new CopyOnWriteArrayList<>());
        }
        for (int i = 0; i < size; i++) {
            start(i);
        }
    }

    RaftGroup group() {
        return RaftGroup.valueOf(GROUP, peers);
    }

    RaftPeerId id(int i) {
        return peers.get(i).getId();
    }

    int size() {
        return servers.length;
    }

    void start(int i) throws IOException {
        Path dir = root.resolve("n" + i);
        boolean formatted = Files.isDirectory(dir.resolve(GROUP.getUuid().toString()));
        Files.createDirectories(dir);
        List<Effect> log = carriedOut.get(i);
        servers[i] = RaftServer.newBuilder()
                .setServerId(id(i))
                .setGroup(group())
                .setProperties(properties(dir, port(i)))
                .setStateMachineRegistry(ShardStateMachine.registry(g -> (index, effects, bodies) -> {
                    for (Effect e : effects) {
                        // a leader reads what it delivers during the call
                        if (e instanceof Effect.Deliver d && bodies.body(d.queue(), d.msgId()) == null) {
                            throw new AssertionError("no body for " + d);
                        }
                    }
                    log.addAll(effects);
                }))
                .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        servers[i].start();
    }

    void stop(int i) throws IOException {
        servers[i].close();
        servers[i] = null;
    }

    boolean running(int i) {
        return servers[i] != null;
    }

    ShardStateMachine machine(int i) throws IOException {
        return (ShardStateMachine) servers[i].getDivision(GROUP).getStateMachine();
    }

    RaftServer.Division division(int i) throws IOException {
        return servers[i].getDivision(GROUP);
    }

    /** The running server that is the ready leader, or -1. */
    int leader() throws IOException {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null && division(i).getInfo().isLeaderReady()) {
                return i;
            }
        }
        return -1;
    }

    RaftClient client() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        return RaftClient.newBuilder().setProperties(p).setRaftGroup(group())
                .setRetryPolicy(RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    private int port(int i) {
        String address = peers.get(i).getAddress();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private RaftProperties properties(Path dir, int port) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(segmentBytes));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(segmentBytes, 64 * 1024)));
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf("1088KB"));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(700, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(1400, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.ThreadPool.setServerSize(p, 2);
        RaftServerConfigKeys.ThreadPool.setClientSize(p, 2);
        RaftServerConfigKeys.ThreadPool.setProxySize(p, 4);
        GrpcConfigKeys.Server.setAsyncRequestThreadPoolSize(p, 4);
        return p;
    }

    private static int freePort() throws IOException {
        return io.warren.broker.TestPorts.run(1);
    }

    @Override
    public void close() throws IOException {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null) {
                stop(i);
            }
        }
    }
}
