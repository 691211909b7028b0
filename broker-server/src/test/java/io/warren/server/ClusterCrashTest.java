package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.ctl.WarrenCtl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three broker processes form a cluster; one killed with SIGKILL and restarted catches up with the definitions. */
class ClusterCrashTest {
    @TempDir
    Path dir;
    private final BrokerProcess[] nodes = new BrokerProcess[3];
    private final int[] clusterPorts = new int[3];
    private final int[] httpPorts = new int[3];
    private static final Pattern MANAGEMENT = Pattern.compile("listening on http://[^:]+:(\\d+)/");

    @AfterEach
    void stop() throws Exception {
        // the logs go with the temporary directory: -Dwarren.keep.cluster.logs=DIR keeps what each node said
        for (int i = 0; i < 3; i++) {
            if (nodes[i] != null && System.getProperty("warren.keep.cluster.logs") != null) {
                java.nio.file.Files.writeString(Path.of(System.getProperty("warren.keep.cluster.logs"), "node" + i
                        + ".log"), nodes[i].log());
            }
        }
        for (BrokerProcess p : nodes) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A free port whose next one is free too: a node's message link listens on its cluster port + 1. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0); ServerSocket next = new ServerSocket(s.getLocalPort() + 1)) {
                return s.getLocalPort();
            } catch (IOException | IllegalArgumentException e) {
                // the next port is taken: try another pair
            }
        }
        throw new IOException("no two free ports in a row after 100 attempts");
    }

    private static String name(int i) {
        return "warren@node" + (char) ('a' + i);
    }

    private String members() {
        List<String> m = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            m.add(name(i) + "@127.0.0.1:" + clusterPorts[i]);
        }
        return String.join(",", m);
    }

    private BrokerProcess start(int i) throws Exception {
        nodes[i] = BrokerProcess.start(dir.resolve("node" + i + ".log"), "--amqp-port", "0", "--bind", "127.0.0.1",
                "--http-port", "0", "--data-dir", dir.resolve("data" + i).toString(),
                "--node-name", name(i), "--cluster-nodes", members());
        assertTrue(nodes[i].port() > 0, nodes[i].log());
        Matcher m = MANAGEMENT.matcher(nodes[i].awaitLog("Warren management"));
        assertTrue(m.find(), nodes[i].log());
        httpPorts[i] = Integer.parseInt(m.group(1));
        return nodes[i];
    }

    private static boolean hasQueue(BrokerProcess p, String queue) {
        try (Connection c = p.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private String get(int node, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[node] + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<String> res = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
        return res.statusCode() + " " + res.body();
    }

    @Test
    void aNodeKilledWithSigkillAndRestartedCatchesUpWithTheCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            clusterPorts[i] = freePortPair();
        }
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        // the cluster's default user exists once the first bootstrap is committed
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Connection c = nodes[0].connect(); Channel ch = c.createChannel()) {
                ch.queueDeclare("before-kill", true, false, false, null);
                return true;
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> hasQueue(nodes[2], "before-kill"));

        nodes[2].kill();
        try (Connection c = nodes[1].connect(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("while-dead", "fanout", true);
            ch.queueDeclare("while-dead-q", true, false, false, null);
            ch.queueBind("while-dead-q", "while-dead", "");
        }
        start(2);
        await().atMost(Duration.ofSeconds(60)).until(() -> hasQueue(nodes[2], "while-dead-q"));

        String queue = get(2, "/api/queues/%2F/while-dead-q");
        assertTrue(queue.startsWith("200 ") && queue.contains("\"node\":\"warren@nodeb\""), queue);
        String cluster = get(0, "/api/cluster");
        assertTrue(cluster.startsWith("200 ") && cluster.contains("warren@nodec") && cluster.contains("\"leader\""),
                cluster);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = WarrenCtl.run(new String[] {"--url", "http://127.0.0.1:" + httpPorts[1], "cluster_status"}, ps,
                ps);
        String status = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, status);
        for (int i = 0; i < 3; i++) {
            assertTrue(status.contains(name(i) + "\t127.0.0.1:" + clusterPorts[i]), status);
        }

        // a fourth node, started outside the member list, joins through the CLI (POST /api/cluster/nodes) and
        // receives the topology; then it leaves again (DELETE /api/cluster/nodes/{name})
        int dCluster = freePortPair();
        BrokerProcess d = BrokerProcess.start(dir.resolve("node3.log"), "--amqp-port", "0", "--bind", "127.0.0.1",
                "--http-port", "none", "--data-dir", dir.resolve("data3").toString(), "--node-name", "warren@noded",
                "--cluster-port", String.valueOf(dCluster), "--cluster-nodes", members());
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
        nodes[0].kill();
        nodes[2].kill();
        String refused = put(1, "/api/queues/%2F/after-majority-lost", "{\"durable\":true}");
        assertTrue(refused.startsWith("503 ") && refused.contains("cluster has no majority: 1 of 3 nodes reachable"),
                refused);
        assertTrue(get(1, "/api/queues/%2F/while-dead-q").startsWith("200 "));
    }

    private String lastCtl = "";

    /** java -jar warren.jar cluster ... against node's management API; its output in lastCtl. */
    private Integer ctl(int node, String... args) {
        String[] ctl = ClusterCommand.ctlArgs(args);
        List<String> withUrl = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + httpPorts[node]));
        withUrl.addAll(List.of(ctl));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = WarrenCtl.run(withUrl.toArray(String[]::new), ps, ps);
        lastCtl = out.toString(StandardCharsets.UTF_8);
        return code;
    }

    private String put(int node, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[node] + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
        return res.statusCode() + " " + res.body();
    }
}
