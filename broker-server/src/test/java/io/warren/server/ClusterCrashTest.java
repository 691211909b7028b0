package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.ctl.WarrenCtl;
import io.warren.server.faults.ClusterProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three broker processes form a cluster; one killed with SIGKILL and restarted catches up with the definitions. */
class ClusterCrashTest {
    @TempDir
    Path dir;
    private ClusterProcesses cluster;

    @AfterEach
    void stop() throws Exception {
        // the logs go with the temporary directory: -Dwarren.keep.cluster.logs=DIR keeps what each node said
        if (cluster != null) {
            cluster.close();
        }
    }

    private boolean hasQueue(int node, String queue) {
        try (Connection c = cluster.connect(node); Channel ch = c.createChannel()) {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean hasQueue(BrokerProcess p, String queue) {
        try (Connection c = p.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aNodeKilledWithSigkillAndRestartedCatchesUpWithTheCluster() throws Exception {
        cluster = ClusterProcesses.onLoopback(dir, 3);
        cluster.startAll();
        // the cluster's default user exists once the first bootstrap is committed
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Connection c = cluster.connect(0); Channel ch = c.createChannel()) {
                ch.queueDeclare("before-kill", true, false, false, null);
                return true;
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> hasQueue(2, "before-kill"));

        cluster.kill(2);
        try (Connection c = cluster.connect(1); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("while-dead", "fanout", true);
            ch.queueDeclare("while-dead-q", true, false, false, null);
            ch.queueBind("while-dead-q", "while-dead", "");
        }
        cluster.start(2);
        await().atMost(Duration.ofSeconds(60)).until(() -> hasQueue(2, "while-dead-q"));

        String queue = cluster.get(2, "/api/queues/%2F/while-dead-q");
        assertTrue(queue.startsWith("200 ") && queue.contains("\"node\":\"warren@nodeb\""), queue);
        String topology = cluster.get(0, "/api/cluster");
        assertTrue(topology.startsWith("200 ") && topology.contains("warren@nodec")
                && topology.contains("\"leader\""), topology);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = WarrenCtl.run(new String[] {"--url", "http://127.0.0.1:" + cluster.httpPort(1),
                "cluster_status"}, ps,
                ps);
        String status = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, status);
        for (int i = 0; i < 3; i++) {
            assertTrue(status.contains(ClusterProcesses.name(i) + "\t127.0.0.1:" + cluster.clusterPort(i)), status);
        }

        // a fourth node, started outside the member list, joins through the CLI (POST /api/cluster/nodes) and
        // receives the topology; then it leaves again (DELETE /api/cluster/nodes/{name})
        int dCluster = ClusterProcesses.freePortRun();
        BrokerProcess d = BrokerProcess.start(dir.resolve("node3.log"), "--amqp-port", "0", "--bind", "127.0.0.1",
                "--http-port", "none", "--data-dir", dir.resolve("data3").toString(), "--node-name", "warren@noded",
                "--cluster-port", String.valueOf(dCluster), "--cluster-nodes", cluster.members());
        try {
            assertEquals(0, ctl(1, "cluster", "join", "warren@noded", "127.0.0.1:" + dCluster));
            await().atMost(Duration.ofSeconds(60)).until(() -> hasQueue(d, "while-dead-q"));
            assertTrue(ctl(0, "cluster", "status").equals(0) && lastCtl.contains("warren@noded"), lastCtl);
            assertEquals(0, ctl(0, "cluster", "leave", "warren@noded"));
            ctl(2, "cluster", "status");
            assertTrue(!lastCtl.contains("warren@noded"), lastCtl);
        } finally {
            d.close();
        }

        // two of three gone: the API refuses a change with 503, and still answers reads
        cluster.kill(0);
        cluster.kill(2);
        String refused = cluster.put(1, "/api/queues/%2F/after-majority-lost", "{\"durable\":true}");
        assertTrue(refused.startsWith("503 ") && refused.contains("cluster has no majority: 1 of 3 nodes reachable"),
                refused);
        assertTrue(cluster.get(1, "/api/queues/%2F/while-dead-q").startsWith("200 "));
    }

    private String lastCtl = "";

    /** java -jar warren.jar cluster ... against node's management API; its output in lastCtl. */
    private Integer ctl(int node, String... args) {
        String[] ctl = ClusterCommand.ctlArgs(args);
        List<String> withUrl = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + cluster.httpPort(node)));
        withUrl.addAll(List.of(ctl));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = WarrenCtl.run(withUrl.toArray(String[]::new), ps, ps);
        lastCtl = out.toString(StandardCharsets.UTF_8);
        return code;
    }
}
