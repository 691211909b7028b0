package io.warren.server.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault tooling against today's definitions cluster of three child JVMs: a partition leaves the majority
 * working and the cut-off node refusing changes until healed; a paused leader is replaced; a node killed with
 * SIGKILL comes back on the same ports and directory.
 */
class ClusterFaultsTest {
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"([^\"]+)\"");
    private static final String DURABLE = "{\"durable\":true}";

    @TempDir
    Path dir;

    @Test
    void anIsolatedNodeCannotChangeDefinitionsAndCatchesUpOnceHealed() throws Exception {
        assumeTrue(NetnsNetwork.available(), "needs root and ip netns");
        // the network closes twice when all goes well (harmless), once even if the cluster cannot be made
        try (NetnsNetwork net = NetnsNetwork.create(3); ClusterProcesses cluster = new ClusterProcesses(dir, 3, net)) {
            cluster.startAll().useAdministrator(0, "nemesis", "nemesis");
            awaitChange(cluster, 0, "before-partition");

            net.isolate(2);
            awaitChange(cluster, 0, "while-c-isolated");
            // c waits its 5 s for a majority, then refuses
            String refused = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> cluster.put(2, "/api/queues/%2F/on-isolated-c", DURABLE), r -> r.startsWith("503 "));
            assertTrue(refused.contains("majority"), refused);
            assertEquals(404, cluster.status(2, "/api/queues/%2F/while-c-isolated"));
            assertEquals(200, cluster.status(1, "/api/queues/%2F/while-c-isolated"));

            net.heal();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> cluster.status(2, "/api/queues/%2F/while-c-isolated") == 200);
            awaitChange(cluster, 2, "after-heal");
        }
    }

    @Test
    void aPausedLeaderIsReplacedAndSeesTheChangeOnceResumed() throws Exception {
        assumeTrue(NetnsNetwork.available(), "needs root and ip netns");
        // the network closes twice when all goes well (harmless), once even if the cluster cannot be made
        try (NetnsNetwork net = NetnsNetwork.create(3); ClusterProcesses cluster = new ClusterProcesses(dir, 3, net)) {
            cluster.startAll().useAdministrator(0, "nemesis", "nemesis");
            awaitChange(cluster, 0, "before-pause");
            int leader = cluster.indexOf(leaderSeenBy(cluster, 0));
            int other = (leader + 1) % 3;

            cluster.pause(leader);
            awaitChange(cluster, other, "while-leader-paused");
            String newLeader = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> leaderSeenBy(cluster, other), l -> !l.equals(ClusterProcesses.name(leader)));
            assertNotEquals(ClusterProcesses.name(leader), newLeader);

            cluster.resume(leader);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> cluster.status(leader, "/api/queues/%2F/while-leader-paused") == 200);
            awaitChange(cluster, leader, "after-resume");
        }
    }

    @Test
    void aNodeKilledWithSigkillRestartsOnItsPortsAndDirectoryAndStopSendsSigterm() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.onLoopback(dir, 3)) {
            cluster.startAll();
            awaitChange(cluster, 0, "before-kill");
            long pid = cluster.node(2).pid();
            int amqp = cluster.amqpPort(2);

            cluster.kill(2);
            assertTrue(!cluster.node(2).isAlive());
            awaitChange(cluster, 1, "while-c-dead");
            cluster.restart(2);

            assertNotEquals(pid, cluster.node(2).pid());
            assertEquals(amqp, cluster.node(2).port());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> cluster.status(2, "/api/queues/%2F/while-c-dead") == 200);
            assertEquals(200, cluster.status(2, "/api/queues/%2F/before-kill"));

            // SIGTERM, unlike SIGKILL (137), runs the JVM's shutdown: exit code 128 + 15
            cluster.stop(1);
            assertEquals(143, cluster.node(1).awaitExit());
        }
    }

    /** Declares a durable queue through node i's API, retrying until the cluster commits it. */
    private static void awaitChange(ClusterProcesses cluster, int node, String queue) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> cluster.put(node, "/api/queues/%2F/" + queue, DURABLE), r -> r.startsWith("2"));
    }

    private static String leaderSeenBy(ClusterProcesses cluster, int node) throws Exception {
        String c = cluster.get(node, "/api/cluster");
        Matcher m = LEADER.matcher(c);
        assertTrue(m.find(), c);
        return m.group(1);
    }
}
