package io.warren.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.management.http.HttpLimits;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A broker and its management server, both in-process on free ports, for the lifetime of a test class; with a
 * small HTTP client that talks to the API over a real socket.
 */
public final class RunningManagement implements BeforeAllCallback, AfterAllCallback {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunningBroker broker;
    private ManagementServer server;
    private BrokerAdmin admin;
    private boolean metricsAuth;
    private boolean prometheus;
    private io.warren.broker.admin.ClusterView cluster;
    private final HttpLimits limits;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public RunningManagement() {
        this(HttpLimits.defaults());
    }

    /** A management server with these HTTP limits (short timeouts, small caps) instead of the defaults. */
    public RunningManagement(HttpLimits limits) {
        this.limits = limits;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    /** The management server will require a monitoring or administrator login on /metrics. */
    public RunningManagement withMetricsAuth() {
        metricsAuth = true;
        return this;
    }

    /** The management server will also serve RabbitMQ's Prometheus endpoints, on a free port of their own. */
    public RunningManagement withPrometheus() {
        prometheus = true;
        return this;
    }

    /** The management server will see the broker as this node of a cluster (e.g. a stand-in with other members). */
    public RunningManagement withCluster(io.warren.broker.admin.ClusterView view) {
        cluster = view;
        return this;
    }

    public RunningManagement start() throws InterruptedException {
        broker = RunningBroker.start();
        admin = cluster == null ? new BrokerAdmin(broker.broker()) : new BrokerAdmin(broker.broker(), cluster);
        server = new ManagementServer(admin, "127.0.0.1", 0, limits).metricsAuth(metricsAuth)
                .prometheusPort(prometheus ? 0 : -1).start();
        return this;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public void close() {
        server.close();
        broker.close();
    }

    public RunningBroker broker() {
        return broker;
    }

    public BrokerAdmin admin() {
        return admin;
    }

    public ManagementServer server() {
        return server;
    }

    public int httpPort() {
        return server.port();
    }

    /** The Prometheus port (see {@link #withPrometheus}), -1 when off. */
    public int prometheusPort() {
        return server.prometheusPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A response: status and body (parsed as JSON when it is JSON). */
    public record Response(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    public Response get(String path) {
        return request("GET", path, null, "guest", "guest");
    }

    public Response put(String path, String body) {
        return request("PUT", path, body, "guest", "guest");
    }

    public Response post(String path, String body) {
        return request("POST", path, body, "guest", "guest");
    }

    public Response delete(String path) {
        return request("DELETE", path, null, "guest", "guest");
    }

    /** A request as the given user (null user: no Authorization header). */
    public Response request(String method, String path, String body, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The status line of a request written by hand, for requests no well-behaved client would send. */
    public String raw(String request) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1)).readLine();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A path segment as RabbitMQ's API wants it: "/" is %2F. */
    public static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
