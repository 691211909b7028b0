package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.Broker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that was away, or is new, catches up from the log or from a snapshot. */
class CatchUpTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void declareMany(Broker b, String prefix, int n) throws Exception {
        try (Connection conn = connect(b); Channel ch = conn.createChannel()) {
            ch.exchangeDeclare(prefix + "-x", "direct", true);
            for (int i = 0; i < n; i++) {
                ch.queueDeclare(prefix + i, true, false, false, null);
                ch.queueBind(prefix + i, prefix + "-x", "k" + i);
            }
        }
    }

    @Test
    void aStoppedNodeRestartedCatchesUpWithWhatChangedWhileItWasAway() throws Exception {
        restartedNodeCatchesUp(1000);
    }

    /** The log is trimmed behind snapshots: the returning node installs one, which also deletes what went. */
    @Test
    void aStoppedNodeRestartedAfterTheLogWasTrimmedCatchesUpFromASnapshot() throws Exception {
        restartedNodeCatchesUp(5);
    }

    private void restartedNodeCatchesUp(long snapshotEvery) throws Exception {
        cluster = new TestCluster(dir, 3).snapshotEvery(snapshotEvery).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        declareMany(cluster.node(0).broker(), "before", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(2).broker().vhost("/").queue("before1")
                != null);
        cluster.stop(2);
        declareMany(cluster.node(1).broker(), "while-away", snapshotEvery < 100 ? 12 : 3);
        try (Connection conn = connect(cluster.node(0).broker()); Channel ch = conn.createChannel()) {
            ch.queueDelete("before0");
        }
        Broker c = cluster.start(2).broker();
        await().atMost(Duration.ofSeconds(60)).until(() -> c.vhost("/").queue("while-away2") != null
                && c.vhost("/").queue("before0") == null);
        assertEquals(snapshotEvery < 100 ? 12 : 3,
                c.vhost("/").bindings().stream().filter(b -> b.source().equals("while-away-x")).count());
        assertEquals("nodeb", cluster.node(2).node().queueNode("/", "while-away0"));
    }

    @Test
    void aNodeAddedToARunningClusterReceivesTheTopologyFromASnapshot() throws Exception {
        cluster = new TestCluster(dir, 3).snapshotEvery(5).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        declareMany(cluster.node(0).broker(), "q", 8);
        int d = cluster.addMember();
        cluster.start(d, cluster.members(3));
        ClusterMember m = cluster.member(d);
        cluster.node(1).node().addNode(m.name(), m.address());
        Broker b = cluster.node(d).broker();
        await().atMost(Duration.ofSeconds(60)).until(() -> b.vhost("/") != null && b.vhost("/").queue("q7") != null
                && b.users().user("guest") != null);
        assertEquals(8, b.vhost("/").bindings().stream().filter(x -> x.source().equals("q-x")).count());
        assertEquals(4, cluster.node(0).node().nodes().size());

        // the new member takes part: a change made on it reaches the others
        try (Connection conn = connect(b); Channel ch = conn.createChannel()) {
            ch.queueDeclare("from-d", true, false, false, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(0).broker().vhost("/").queue("from-d")
                != null);
        assertEquals(m.name(), cluster.node(0).node().queueNode("/", "from-d"));

        // and leaves again
        cluster.node(0).node().removeNode(m.name());
        assertEquals(3, cluster.node(0).node().nodes().size());
        assertNull(cluster.node(0).node().nodes().stream().filter(n -> n.name().equals(m.name())).findFirst()
                .orElse(null));
    }
}
