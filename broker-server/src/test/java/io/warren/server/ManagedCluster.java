package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.broker.BrokerConfig;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.cluster.ClusterMember;
import io.warren.cluster.ClusterSettings;
import io.warren.cluster.ClusteredBroker;
import io.warren.management.ManagementServer;
import java.io.IOException;
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

/** Three cluster nodes in this JVM on free ports, each with its management API, for tests of the API across nodes. */
final class ManagedCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"nodea", "nodeb", "nodec"};

    /** An HTTP answer: its status and body. */
    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private final Path dir;
    private final List<ClusterMember> members = new ArrayList<>();
    private final ClusteredBroker[] nodes = new ClusteredBroker[3];
    private final ManagementServer[] http = new ManagementServer[3];
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** dir: where each node keeps its data, in a directory named after it. */
    ManagedCluster(Path dir) {
        this.dir = dir;
    }

    /** The first of three free ports: a node's message link listens on its cluster port + 1, its quorum Raft on + 2. */
    private static int freePortRun() {
        try {
            return io.warren.broker.TestPorts.run(3);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the three nodes and their APIs, and waits until every API answers. */
    ManagedCluster start() throws Exception {
        for (String name : NAMES) {
            members.add(new ClusterMember(name, "127.0.0.1", freePortRun()));
        }
        for (int i = 0; i < 3; i++) {
            ClusterMember m = members.get(i);
            BrokerConfig config = BrokerConfig.defaults().withAmqpPort(0).withBindAddress("127.0.0.1")
                    .withDataDir(dir.resolve(m.name()));
            nodes[i] = ClusteredBroker.open(config, ClusterSettings.of(m.name(), m.host(), m.port(), members));
            nodes[i].broker().start();
            http[i] = new ManagementServer(new BrokerAdmin(nodes[i].broker(), nodes[i].node()), "127.0.0.1", 0)
                    .start();
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(60)).until(() -> get(n, "/api/whoami").status() == 200);
        }
        return this;
    }

    ClusteredBroker node(int i) {
        return nodes[i];
    }

    int httpPort(int i) {
        return http[i].port();
    }

    /** Stops node i and its API (nothing if stopped already). */
    void stop(int i) {
        if (http[i] != null) {
            http[i].close();
            http[i] = null;
        }
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    /** GET path on node i's API as guest. */
    Answer get(int node, String path) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http[node].port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8))).GET().build();
        HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
        return new Answer(a.statusCode(), a.body());
    }

    /** A request with a JSON body (or none when null) on node i's API as guest. */
    Answer send(int node, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http[node].port() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
        return new Answer(a.statusCode(), a.body());
    }

    /** GET path on node i's API, which must answer 200, as JSON. */
    JsonNode json(int node, String path) throws IOException, InterruptedException {
        Answer a = get(node, path);
        assertEquals(200, a.status(), path + ": " + a.body());
        return a.json();
    }

    private final List<com.rabbitmq.client.Connection> clients = new ArrayList<>();

    /** A channel on a new AMQP connection to that node (without recovery), aborted when the cluster closes. */
    com.rabbitmq.client.Channel channel(int node, String connectionName) throws Exception {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(node(node).broker().port());
        f.setAutomaticRecoveryEnabled(false);
        com.rabbitmq.client.Connection c = f.newConnection(connectionName);
        clients.add(c);
        return c.createChannel();
    }

    @Override
    public void close() {
        for (com.rabbitmq.client.Connection c : clients) {
            try {
                c.abort();
            } catch (RuntimeException e) {
                // its node is gone already
            }
        }
        for (int i = 0; i < 3; i++) {
            stop(i);
        }
    }
}
