package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.PolicyView;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's own link port, found by the others; the queue-leader-locator policy key. */
class LinkPortAndLocatorTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int freeSinglePort() throws IOException {
        return io.warren.broker.TestPorts.run(1);
    }

    @Test
    void aNodeWhoseLinkIsOnAPortOfItsOwnIsReachedThereByTheOthers() throws Exception {
        cluster = new TestCluster(dir, 3);
        int linkPort = freeSinglePort();
        cluster.linkPort(0, linkPort).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        try (ServerSocket probe = new ServerSocket(cluster.member(0).port() + 1)) {
            // nothing listens at node a's cluster port + 1: only the port it told the others reaches it
            assertEquals(cluster.member(0).port() + 1, probe.getLocalPort());
        }
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            ch.queueDeclare("far", true, false, false, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue("far")
                instanceof io.warren.cluster.remote.RemoteQueue);
        try (Connection b = connect(cluster.node(1).broker()); Channel ch = b.createChannel()) {
            ch.confirmSelect();
            // the first try may have gone to the default port if it came before node a's answer: retried
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                ch.basicPublish("", "far", MessageProperties.PERSISTENT_BASIC, "over".getBytes(
                        StandardCharsets.UTF_8));
                return ch.waitForConfirms(5_000);
            });
            GetResponse r = ch.basicGet("far", true);
            assertNotNull(r);
            assertEquals("over", new String(r.getBody(), StandardCharsets.UTF_8));
        }
        assertEquals(linkPort, cluster.node(0).node().link().port());
    }

    @Test
    void theQueueLeaderLocatorPolicyKeyPlacesQueuesWithoutTheArgument() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        BrokerAdmin admin = new BrokerAdmin(cluster.node(0).broker(), cluster.node(0).node());
        admin.policies().put(new PolicyView("/", "spread", "^spread", "queues",
                Map.of("queue-leader-locator", "balanced"), 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(0).broker().vhost("/").policies()
                .get("spread") != null);
        List<String> homes = new ArrayList<>();
        try (Connection a = connect(cluster.node(0).broker()); Channel ch = a.createChannel()) {
            for (int i = 0; i < 3; i++) {
                ch.queueDeclare("spread" + i, true, false, false, null);
                homes.add(cluster.node(0).node().queueNode("/", "spread" + i));
            }
            // the queue's own argument wins over the policy
            ch.queueDeclare("spread-here", true, false, false, Map.of("x-queue-leader-locator", "client-local"));
            ch.queueDeclare("elsewhere", true, false, false, null); // the policy does not match
        }
        assertEquals(List.of("nodea", "nodeb", "nodec"), homes);
        assertEquals("nodea", cluster.node(0).node().queueNode("/", "spread-here"));
        assertEquals("nodea", cluster.node(0).node().queueNode("/", "elsewhere"));
    }
}
