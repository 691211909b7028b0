package io.warren.cluster;

import static io.warren.cluster.DefinitionsReplicationTest.awaitDefaults;
import static io.warren.cluster.DefinitionsReplicationTest.connect;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Definitions change while a majority of the nodes is up, and are refused, clearly and in bounded time, without. */
class MajorityTest {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void definitionsChangeWithOneNodeOfThreeDownAndAreRefusedWithTwoDownWhileReadsWork() throws Exception {
        cluster = new TestCluster(dir, 3).startAll();
        awaitDefaults(cluster, 0, 1, 2);
        cluster.stop(2);
        try (Connection conn = connect(cluster.node(0).broker()); Channel ch = conn.createChannel()) {
            ch.queueDeclare("with-two", true, false, false, null);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.node(1).broker().vhost("/").queue("with-two")
                != null);

        cluster.stop(1);
        Connection refused = connect(cluster.node(0).broker());
        try {
            Channel ch = refused.createChannel();
            long began = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> ch.queueDeclare("with-one", true, false, false,
                    null));
            long waited = Duration.ofNanos(System.nanoTime() - began).toSeconds();
            assertTrue(waited < 30, "refused after " + waited + " s");
            ShutdownSignalException s = (ShutdownSignalException) e.getCause();
            String reason = s.getReason().toString();
            assertTrue(reason.contains("541") && reason.contains("cluster has no majority: 1 of 3 nodes reachable"),
                    reason);
        } finally {
            refused.abort();
        }
        assertEquals(null, cluster.node(0).broker().vhost("/").queue("with-one"));
        // reads still work: a passive declare and a new connection
        try (Connection conn = connect(cluster.node(0).broker()); Channel ch = conn.createChannel()) {
            assertEquals("with-two", ch.queueDeclarePassive("with-two").getQueue());
        }
    }
}
