package io.warren.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.Broker;
import io.warren.broker.auth.Permission;
import io.warren.broker.policy.Policy;
import io.warren.broker.vhost.VirtualHost;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Definitions made on one node of a three-node cluster reach the others, through the Raft log. */
class DefinitionsReplicationTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Connection connect(Broker b) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(b.port());
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    static void awaitDefaults(TestCluster c, int... nodes) {
        for (int i : nodes) {
            await().atMost(Duration.ofSeconds(60)).until(() -> c.node(i).broker().users().user("guest") != null
                    && c.node(i).broker().vhost("/") != null
                    && c.node(i).broker().parameters().globalParameter("internal_cluster_id") != null);
        }
    }

    @Test
    void topologyDeclaredOnOneNodeIsSeenOnTheOthers() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        // one permanent id for the whole cluster, made with its defaults
        var id = cluster.node(0).broker().parameters().globalParameter("internal_cluster_id");
        assertNotNull(id);
        for (int i = 1; i < 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(30)).until(() -> id.equals(
                    cluster.node(n).broker().parameters().globalParameter("internal_cluster_id")));
        }
        try (Connection conn = connect(cluster.node(0).broker()); Channel ch = conn.createChannel()) {
            ch.exchangeDeclare("orders", "topic", true);
            ch.queueDeclare("orders.eu", true, false, false, Map.of("x-max-length", 100));
            ch.queueBind("orders.eu", "orders", "eu.#");
        }
        cluster.node(0).broker().users().putUser("alice", "secret", java.util.Set.of("monitoring"));
        cluster.node(0).broker().addVhost("shop");
        cluster.node(0).broker().users().setPermission("alice", "shop", new Permission("^$", ".*", ".*"));
        cluster.node(0).broker().vhost("/").setPolicy(Policy.of("/", "cap", "^orders\\.", "queues",
                Map.of("max-length", 5), 1));
        for (int i = 1; i < 3; i++) {
            Broker b = cluster.node(i).broker();
            await().atMost(Duration.ofSeconds(30)).until(() -> b.vhost("/").queue("orders.eu") != null
                    && b.vhost("shop") != null && b.users().user("alice") != null
                    && !b.vhost("/").bindings().stream().filter(x -> x.source().equals("orders")).toList().isEmpty());
            VirtualHost v = b.vhost("/");
            assertEquals("topic", v.exchange("orders").type());
            assertEquals(100, ((Number) v.queue("orders.eu").arguments().get("x-max-length")).intValue());
            assertEquals("nodea", cluster.node(i).node().queueNode("/", "orders.eu"));
            await().atMost(Duration.ofSeconds(30)).until(() -> v.policies().get("cap") != null
                    && b.users().permission("alice", "shop") != null);
            assertEquals("^orders\\.", v.policies().get("cap").pattern());
            assertEquals("^$", b.users().permission("alice", "shop").configure());
            assertTrue(b.users().authenticate("alice", "secret") != null, "the password hash came along");
            try (Connection conn = connect(b); Channel ch = conn.createChannel()) {
                assertEquals("orders.eu", ch.queueDeclarePassive("orders.eu").getQueue());
                ch.exchangeDeclarePassive("orders");
            }
        }
    }
}
