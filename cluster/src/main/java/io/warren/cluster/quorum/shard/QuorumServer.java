package io.warren.cluster.quorum.shard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's second Raft server, for quorum queues only: one port, one directory, and one division per shard this
 * node replicates, each with the state machine the factory makes for its group. The shard groups are added
 * locally when the catalogue says this node is a member; a restart reopens every group found on disk (Ratis does
 * that at start, calling the factory). The definitions server is a separate server with its own settings.
 */
public final class QuorumServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumServer.class);
    /** Where the shards' logs and snapshots are, under the data directory. */
    public static final String DIRECTORY = "raft-quorum";

    private final String nodeName;
    private final int port;
    private final Path dir;
    private final Function<RaftGroupId, StateMachine> machines;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private RaftServer server;
    private boolean closed;

    /**
     * @param machines makes the state machine of a shard group (the real one, or a stand-in in tests)
     */
    public QuorumServer(String nodeName, int port, Path dataDir, Function<RaftGroupId, StateMachine> machines) {
        this.nodeName = nodeName;
        this.port = port;
        this.dir = dataDir.toAbsolutePath().resolve(DIRECTORY);
        this.machines = machines;
    }

    /** Whether a node with this data directory replicated shards in an earlier run (its groups are on disk). */
    public static boolean hasGroups(Path dataDir) {
        Path d = dataDir.toAbsolutePath().resolve(DIRECTORY);
        if (!Files.isDirectory(d)) {
            return false;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts the server (once), reopening the groups on disk. */
    public synchronized void start() throws IOException {
        if (server != null || closed) {
            return;
        }
        Files.createDirectories(dir);
        // Ratis ends the JVM when its gRPC server cannot bind (ExitUtils.terminate): a port taken since the
        // catalogue recorded it must fail this start (retried), not stop the broker
        org.apache.ratis.util.ExitUtils.disableSystemExit();
        RaftServer s = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(nodeName))
                .setProperties(QuorumTuning.server(port, dir))
                .setStateMachineRegistry(machines::apply)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw new IOException("cannot start the quorum server of node " + nodeName + " on port " + port
                    + " (quorum-port; is it in use?): " + e.getMessage(), e);
        }
        server = s;
        LOG.info("quorum server of node {} listening on port {}; shards open: {}", nodeName, port, groupIds().size());
    }

    /**
     * Opens the shards the catalogue gives this node that are not open yet (starting the server first when it is
     * not running); returns how many it added.
     */
    public synchronized int open(ShardCatalog catalog) throws IOException {
        List<ShardCatalog.Shard> mine = catalog.shardsOf(nodeName);
        if (mine.isEmpty() || closed) {
            return 0;
        }
        start();
        List<RaftGroupId> open = groupIds();
        int added = 0;
        for (ShardCatalog.Shard shard : mine) {
            if (open.contains(shard.groupId())) {
                continue;
            }
            RaftGroup group = catalog.group(shard);
            deleteLeftover(shard);
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(clientId,
                    server.getId(), callIds.incrementAndGet(), group, true));
            if (!reply.isSuccess()) {
                throw new IOException("cannot open quorum shard " + shard.id() + " on node " + nodeName + ": "
                        + reply.getException());
            }
            added++;
        }
        if (added > 0) {
            LOG.info("node {} opened {} quorum shard(s); it replicates {} of {}", nodeName, added, mine.size(),
                    catalog.shards().size());
        }
        return added;
    }

    /**
     * Closes and deletes (log, snapshots, bodies) the shard groups open here that the catalogue no longer gives this
     * node: a membership change removed it, after the shard's other members agreed on a configuration without it.
     * Returns how many it removed.
     */
    public synchronized int closeOthers(ShardCatalog catalog) throws IOException {
        if (server == null || closed) {
            return 0;
        }
        List<RaftGroupId> mine = catalog.shardsOf(nodeName).stream().map(ShardCatalog.Shard::groupId).toList();
        int removed = 0;
        for (ShardCatalog.Shard shard : catalog.shards()) {
            RaftGroupId id = shard.groupId();
            if (mine.contains(id) || !groupIds().contains(id)) {
                continue;
            }
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newRemove(clientId,
                    server.getId(), callIds.incrementAndGet(), id, true, false));
            if (!reply.isSuccess()) {
                throw new IOException("cannot close quorum shard " + shard.id() + " on node " + nodeName + ": "
                        + reply.getException());
            }
            removed++;
            LOG.info("node {} closed and deleted its replica of quorum shard {}: it is no longer a member (catalogue "
                    + "revision {})", nodeName, shard.id(), catalog.revision());
        }
        return removed;
    }

    /**
     * Deletes the directory of a shard group that is not open here: Ratis reopens every group on disk at start, so
     * such a directory is what an add that failed half-way left (Ratis then refuses to format the group again), or
     * a replica this node was removed from. A node added to the shard is caught up by the leader from nothing.
     */
    private void deleteLeftover(ShardCatalog.Shard shard) throws IOException {
        Path leftover = dir.resolve(shard.groupId().getUuid().toString());
        if (!Files.exists(leftover)) {
            return;
        }
        LOG.warn("node {}: deleting {}, left by an earlier replica of quorum shard {} that is not open, before "
                + "opening the shard again", nodeName, leftover, shard.id());
        try (Stream<Path> all = Files.walk(leftover)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The shard groups open on this node (none before the server started). */
    public synchronized List<RaftGroupId> groupIds() {
        List<RaftGroupId> out = new ArrayList<>();
        if (server != null) {
            server.getGroupIds().forEach(out::add);
        }
        return out;
    }

    /** The running server, or null before it started. */
    public synchronized RaftServer server() {
        return server;
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.warn("closing the quorum server of node {} failed", nodeName, e);
            }
            server = null;
        }
    }
}
