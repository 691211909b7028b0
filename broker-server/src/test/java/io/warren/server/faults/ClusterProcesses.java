package io.warren.server.faults;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.ctl.WarrenCtl;
import io.warren.server.BrokerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * N Warren nodes as child JVMs forming one cluster, each with its own data directory, log file and ports (kept
 * across restarts), with the process faults a Jepsen-style test needs: SIGKILL, SIGTERM, SIGSTOP/SIGCONT and
 * restart. {@link #close()} kills every process it started; use it in a finally or an {@code @AfterEach}.
 */
public final class ClusterProcesses implements AutoCloseable {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final NodeNetwork network;
    private final BrokerProcess[] nodes;
    private final int[] amqpPorts;
    private final int[] httpPorts;
    private final int[] clusterPorts;
    private final List<List<String>> jvmOptions = new ArrayList<>();
    private final boolean[] paused;
    private String user = "guest";
    private String password = "guest";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Chooses every node's ports; nothing starts until {@link #startAll()} or {@link #start(int)}. */
    public ClusterProcesses(Path dir, int size, NodeNetwork network) throws IOException {
        this.dir = dir;
        this.network = network;
        nodes = new BrokerProcess[size];
        amqpPorts = new int[size];
        httpPorts = new int[size];
        clusterPorts = new int[size];
        paused = new boolean[size];
        for (int i = 0; i < size; i++) {
            clusterPorts[i] = freePortRun();
            amqpPorts[i] = io.warren.broker.TestPorts.run(1);
            httpPorts[i] = io.warren.broker.TestPorts.run(1);
            jvmOptions.add(List.of());
        }
    }

    /** N nodes all on 127.0.0.1 (no partitions possible). */
    public static ClusterProcesses onLoopback(Path dir, int size) throws IOException {
        return new ClusterProcesses(dir, size, NodeNetwork.loopback());
    }

    /** Extra JVM options for node i from its next start on (e.g. -Djdk.net.hosts.file=...). */
    public ClusterProcesses jvmOptions(int node, List<String> options) {
        jvmOptions.set(node, List.copyOf(options));
        return this;
    }

    public int size() {
        return nodes.length;
    }

    /** Node i's name: warren@nodea, warren@nodeb, ... */
    public static String name(int i) {
        return "warren@node" + (char) ('a' + i);
    }

    /** The index of the node with that name. */
    public int indexOf(String nodeName) {
        for (int i = 0; i < size(); i++) {
            if (name(i).equals(nodeName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no node named " + nodeName);
    }

    /** The --cluster-nodes value: name@host:clusterPort for every node. */
    public String members() {
        List<String> m = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            m.add(name(i) + "@" + host(i) + ":" + clusterPorts[i]);
        }
        return String.join(",", m);
    }

    public String host(int i) {
        return network.host(i);
    }

    public int amqpPort(int i) {
        return amqpPorts[i];
    }

    public int httpPort(int i) {
        return httpPorts[i];
    }

    public int clusterPort(int i) {
        return clusterPorts[i];
    }

    public Path dataDir(int i) {
        return dir.resolve("data" + i);
    }

    public Path logFile(int i) {
        return dir.resolve("node" + i + ".log");
    }

    /** The running (or last started) process of node i; null before its first start. */
    public BrokerProcess node(int i) {
        return nodes[i];
    }

    /** Starts every node, one after the other (each waits until its management API listens). */
    public ClusterProcesses startAll() throws IOException, InterruptedException {
        for (int i = 0; i < size(); i++) {
            start(i);
        }
        return this;
    }

    /** Starts node i with its directory and ports; waits until it listens for AMQP and HTTP. */
    public BrokerProcess start(int i) throws IOException, InterruptedException {
        if (nodes[i] != null && nodes[i].isAlive()) {
            throw new IllegalStateException(name(i) + " is still running");
        }
        nodes[i] = BrokerProcess.start(logFile(i), network.launcher(i), host(i), jvmOptions.get(i),
                "--amqp-port", String.valueOf(amqpPorts[i]), "--bind", network.bind(i),
                "--http-port", String.valueOf(httpPorts[i]), "--data-dir", dataDir(i).toString(),
                "--node-name", name(i), "--cluster-port", String.valueOf(clusterPorts[i]),
                "--cluster-nodes", members());
        paused[i] = false;
        if (nodes[i].port() != amqpPorts[i]) {
            throw new IllegalStateException(name(i) + " did not listen on AMQP port " + amqpPorts[i] + ":\n"
                    + nodes[i].log());
        }
        nodes[i].awaitLog("Warren management");
        return nodes[i];
    }

    /** SIGKILL (destroyForcibly), waiting until the process is gone. */
    public void kill(int i) throws InterruptedException {
        paused[i] = false;
        nodes[i].kill();
    }

    /** SIGTERM: the node shuts down in order (a paused node is resumed first, or it could not). */
    public void stop(int i) throws IOException, InterruptedException {
        if (paused[i]) {
            resume(i);
        }
        nodes[i].close();
    }

    /** SIGSTOP: the process freezes, its sockets stay open, as in a long GC pause or a hung host. */
    public void pause(int i) throws IOException, InterruptedException {
        signal(i, "-STOP");
        paused[i] = true;
    }

    /** SIGCONT after {@link #pause(int)}. */
    public void resume(int i) throws IOException, InterruptedException {
        signal(i, "-CONT");
        paused[i] = false;
    }

    /** SIGKILL if still running, then a start with the same directory and ports. */
    public BrokerProcess restart(int i) throws IOException, InterruptedException {
        if (nodes[i] != null && nodes[i].isAlive()) {
            kill(i);
        }
        return start(i);
    }

    private void signal(int i, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(nodes[i].pid())).redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            kill.destroyForcibly();
            throw new IOException("kill " + signal + " " + nodes[i].pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Creates an administrator with access to / through node i's own loopback address (guest may log in from
     * nowhere else), retrying until the cluster commits it, and uses it from then on for HTTP and AMQP. Nodes in
     * their own network namespaces need it: the test reaches them from outside, where guest is refused.
     */
    public void useAdministrator(int i, String name, String secret) {
        for (List<String> args : List.of(List.of("add_user", name, secret),
                List.of("set_user_tags", name, "administrator"), List.of("set_permissions", name, ".*", ".*", ".*"))) {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ctlInside(i, args) == 0);
        }
        user = name;
        password = secret;
    }

    // warrenctl run in node i's network, against its loopback management listener
    private int ctlInside(int i, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(network.launcher(i));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), WarrenCtl.class.getName(),
                "--url", "http://127.0.0.1:" + httpPorts[i]));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** An AMQP connection to node i (no automatic recovery, no heartbeats). */
    public Connection connect(int i) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host(i));
        f.setPort(amqpPorts[i]);
        f.setUsername(user);
        f.setPassword(password);
        f.setAutomaticRecoveryEnabled(false);
        f.setRequestedHeartbeat(0);
        return f.newConnection();
    }

    /** GET on node i's management API as guest: "status body", e.g. "200 {...}". */
    public String get(int i, String path) throws IOException, InterruptedException {
        return send(i, request(i, path).GET());
    }

    /** PUT of a JSON body on node i's management API as guest: "status body". */
    public String put(int i, String path, String json) throws IOException, InterruptedException {
        return send(i, request(i, path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The HTTP status of a GET on node i's management API. */
    public int status(int i, String path) throws IOException, InterruptedException {
        String r = get(i, path);
        return Integer.parseInt(r.substring(0, r.indexOf(' ')));
    }

    private HttpRequest.Builder request(int i, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + host(i) + ":" + httpPorts[i] + path))
                .timeout(HTTP_TIMEOUT)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private String send(int i, HttpRequest.Builder r) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        return res.statusCode() + " " + res.body();
    }

    /**
     * Kills every node it started (SIGKILL: a paused one dies too), copies the logs to the directory named by
     * -Dwarren.keep.cluster.logs when set, then closes the network.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            for (BrokerProcess p : nodes) {
                if (p != null) {
                    p.kill();
                }
            }
            String keep = System.getProperty("warren.keep.cluster.logs");
            for (int i = 0; keep != null && i < size(); i++) {
                if (Files.exists(logFile(i))) {
                    Files.copy(logFile(i), Path.of(keep, dir.getFileName() + "-node" + i + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } finally {
            network.close();
        }
    }

    /**
     * The first of three consecutive free ports: a node's message link listens on its cluster port + 1 and its
     * quorum-queue Raft server on + 2, by default.
     */
    public static int freePortRun() throws IOException {
        return io.warren.broker.TestPorts.run(3);
    }
}
