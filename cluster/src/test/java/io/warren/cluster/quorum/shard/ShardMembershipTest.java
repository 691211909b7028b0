package io.warren.cluster.quorum.shard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.Broker;
import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.QuorumMembership.MembershipChange;
import io.warren.broker.admin.QuorumMembership.QueueRef;
import io.warren.cluster.ClusterNode;
import io.warren.cluster.TestCluster;
import io.warren.cluster.quorum.raft.ShardStateMachine;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.ratis.server.RaftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quorum shard membership changes on four real nodes (each shard formed on three of them): a node added to a queue's
 * shard catches up and serves it, a removed one drops its replica, the last member stays, grow and shrink.
 */
class ShardMembershipTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> NAMES = List.of("nodea", "nodeb", "nodec", "noded");
    private static final QueueKey ORDERS = new QueueKey("/", "orders");

    @TempDir
    Path dir;
    private TestCluster cluster;

    @BeforeEach
    void start() {
        cluster = new TestCluster(dir, 4).startAll();
        await().atMost(WAIT).until(() -> IntStream.range(0, 4).allMatch(i -> {
            ShardCatalog c = node(i).shardCatalog();
            return c != null && cluster.node(i).broker().vhost("/") != null
                    && node(i).quorum().groupIds().size() == c.shardsOf(NAMES.get(i)).size();
        }));
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ClusterNode node(int i) {
        return cluster.node(i).node();
    }

    private static Connection connect(Broker b) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(b.port());
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    /** Declares "orders" on node a (client-local: the shard that prefers node a, on nodes a, b, c) with messages. */
    private int ordersWith(int messages) throws Exception {
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("orders", true, false, false, Map.of("x-queue-type", "quorum"));
            ch.confirmSelect();
            for (int i = 0; i < messages; i++) {
                ch.basicPublish("", "orders", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        int shard = node(0).quorumQueue("/", "orders").shard();
        assertEquals(List.of("nodea", "nodeb", "nodec"), node(0).shardCatalog().shard(shard).members());
        return shard;
    }

    /** Node i's replica of the shard, or null when it has none open. */
    private ShardStateMachine replica(int i, int shard) {
        try {
            RaftServer s = node(i).quorum().server();
            return s == null ? null : (ShardStateMachine) s.getDivision(ShardCatalog.Shard.groupId(shard))
                    .getStateMachine();
        } catch (Exception e) {
            return null;
        }
    }

    private long ready(int i, int shard) {
        ShardStateMachine r = replica(i, shard);
        return r == null ? -1 : r.readState(s -> s.queueKeys().contains(ORDERS) ? s.counts(ORDERS).ready() : -1L);
    }

    private static List<String> getAll(Broker b, int expected) throws Exception {
        List<String> got = new java.util.ArrayList<>();
        try (Connection c = connect(b); Channel ch = c.createChannel()) {
            await().atMost(WAIT).until(() -> {
                GetResponse r = ch.basicGet("orders", false);
                if (r != null) {
                    got.add(new String(r.getBody(), StandardCharsets.UTF_8));
                    ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                }
                return got.size() >= expected;
            });
        }
        return got;
    }

    @Test
    void addMemberPutsTheQueuesShardOnTheNewNodeWhichCatchesUp() throws Exception {
        int shard = ordersWith(40);
        assertEquals(null, replica(3, shard), "noded does not replicate the shard yet");

        MembershipChange change = node(1).addMember("/", "orders", "noded");
        assertEquals(List.of("nodea", "nodeb", "nodec", "noded"), change.shards().get(0).members());
        assertEquals(List.of(new QueueRef("/", "orders")), change.shards().get(0).queues(), "every queue of the shard gains it");
        for (int i = 0; i < 4; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> node(n).shardCatalog().shard(shard).members().contains("noded"));
            await().atMost(WAIT).until(() -> node(n).quorumQueue("/", "orders").members().size() == 4);
        }
        await().atMost(WAIT).until(() -> ready(3, shard) == 40);
        await().atMost(WAIT).until(() -> replica(0, shard) != null
                && replica(3, shard).readState(s -> s.counts(ORDERS)).equals(replica(0, shard).readState(s ->
                s.counts(ORDERS))));
        assertEquals(4, node(0).quorum().server().getDivision(ShardCatalog.Shard.groupId(shard)).getRaftConf()
                .getCurrentPeers().size(), "the shard's Raft configuration has the new member");

        // two old members left of four: the new one makes the majority and serves the queue
        String leader = node(0).quorumQueue("/", "orders").leader();
        int old = leader.equals("nodeb") ? 2 : 1;
        cluster.stop(old);
        List<String> got = getAll(cluster.node(3).broker(), 40);
        assertEquals(IntStream.range(0, 40).mapToObj(i -> "m" + i).toList(), got);
    }

    @Test
    void deleteMemberRemovesTheReplicaAndTheQueueKeepsServing() throws Exception {
        int shard = ordersWith(10);
        Path group = dir.resolve("nodec").resolve(QuorumServer.DIRECTORY)
                .resolve(ShardCatalog.Shard.groupId(shard).getUuid().toString());
        assertTrue(Files.isDirectory(group), group.toString());

        MembershipChange change = node(3).deleteMember("/", "orders", "nodec");
        assertEquals(List.of("nodea", "nodeb"), change.shards().get(0).members());
        await().atMost(WAIT).until(() -> replica(2, shard) == null && !Files.exists(group));
        for (int i = 0; i < 4; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> node(n).quorumQueue("/", "orders").members()
                    .equals(List.of("nodea", "nodeb")));
        }
        try (Connection c = connect(cluster.node(2).broker()); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", "orders", null, "m10".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(30_000);
        }
        assertEquals(11, getAll(cluster.node(2).broker(), 11).size());
        await().atMost(WAIT).until(() -> ready(0, shard) == 0 && ready(1, shard) == 0);

        // the change is in the node's store: restarted, it comes back without the replica
        cluster.stop(2);
        cluster.start(2);
        await().atMost(WAIT).until(() -> node(2).shardCatalog() != null && node(2).shardCatalog().revision() == 1);
        await().atMost(WAIT).until(() -> node(2).quorum().groupIds().size()
                == node(2).shardCatalog().shardsOf("nodec").size());
        assertEquals(null, replica(2, shard));
        assertFalse(Files.exists(group));
    }

    @Test
    void aRemovalIsMadeOnlyFromTheConfigurationTheCatalogueGives() throws Exception {
        int shard = ordersWith(2);
        ShardCatalog c = node(0).shardCatalog();
        // the shard's configuration changed without the catalogue: nodec out, as by a removal whose record was lost
        try (org.apache.ratis.client.RaftClient client = org.apache.ratis.client.RaftClient.newBuilder()
                .setProperties(QuorumTuning.client()).setRaftGroup(c.group(c.shard(shard))).build()) {
            List<org.apache.ratis.protocol.RaftPeer> peers = c.group(c.shard(shard)).getPeers().stream()
                    .filter(p -> !p.getId().toString().equals("nodec")).toList();
            assertTrue(client.admin().setConfiguration(peers).isSuccess());
        }
        AdminException e = assertThrows(AdminException.class, () -> node(1).deleteMember("/", "orders", "nodeb"));
        assertEquals(AdminException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("not the one the catalogue (revision 0) gives it"), e.getMessage());
        assertEquals(List.of("nodea", "nodeb", "nodec"), node(1).shardCatalog().shard(shard).members());

        // run again, the removal of nodec finds its configuration done and records it
        node(1).deleteMember("/", "orders", "nodec");
        assertEquals(List.of("nodea", "nodeb"), node(1).shardCatalog().shard(shard).members());
        await().atMost(WAIT).until(() -> replica(2, shard) == null);
        assertEquals(2, getAll(cluster.node(0).broker(), 2).size());
    }

    @Test
    void deletingTheLastMemberIsRefused() throws Exception {
        int shard = ordersWith(3);
        node(0).deleteMember("/", "orders", "nodec");
        node(0).deleteMember("/", "orders", "nodeb");
        AdminException e = assertThrows(AdminException.class, () -> node(0).deleteMember("/", "orders", "nodea"));
        assertEquals(AdminException.Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("last member"), e.getMessage());
        assertEquals(List.of("nodea"), node(0).shardCatalog().shard(shard).members());
        AdminException notMember = assertThrows(AdminException.class,
                () -> node(0).deleteMember("/", "orders", "noded"));
        assertEquals(AdminException.Kind.NOT_FOUND, notMember.kind());
        // the one member is a majority of one: the queue still serves
        assertEquals(3, getAll(cluster.node(1).broker(), 3).size());
    }

    @Test
    void growAddsTheNodeToEveryShard() throws Exception {
        ShardCatalog before = node(0).shardCatalog();
        assertEquals(6, before.shardsOf("noded").size(), "shards 0 and 4 leave noded out");
        MembershipChange even = node(0).grow("noded", "even");
        assertTrue(even.shards().isEmpty(), "every shard has three members: none is even");

        MembershipChange all = node(0).grow("noded", "all");
        assertEquals(List.of(0, 4), all.shards().stream().map(s -> s.shard()).toList());
        await().atMost(WAIT).until(() -> node(3).quorum().groupIds().size() == 8);
        for (int shard : new int[] {0, 4}) {
            assertEquals(4, node(3).quorum().server().getDivision(ShardCatalog.Shard.groupId(shard)).getRaftConf()
                    .getCurrentPeers().size(), "shard " + shard + "'s Raft configuration has noded");
        }
        for (int i = 0; i < 4; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> node(n).shardCatalog().shardsOf("noded").size() == 8);
        }
        AdminException bad = assertThrows(AdminException.class, () -> node(0).grow("noded", "some"));
        assertTrue(bad.getMessage().contains("'all'"), bad.getMessage());
    }

    @Test
    void shrinkRemovesTheNodeFromEveryShard() throws Exception {
        int shard = ordersWith(5);
        MembershipChange change = node(0).shrink("nodeb");
        assertEquals(6, change.shards().size());
        assertTrue(change.skipped().isEmpty(), change.skipped().toString());
        await().atMost(WAIT).until(() -> node(1).quorum().groupIds().isEmpty());
        for (int i = 0; i < 4; i++) {
            int n = i;
            await().atMost(WAIT).until(() -> node(n).shardCatalog().shardsOf("nodeb").isEmpty());
        }
        assertFalse(node(0).shardCatalog().shard(shard).members().contains("nodeb"));
        assertEquals(5, getAll(cluster.node(1).broker(), 5).size(), "nodeb still serves the queue as a front");
    }
}
