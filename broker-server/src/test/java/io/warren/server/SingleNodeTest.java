package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node started without cluster flags is a cluster of one: no Raft log, no Ratis thread, its own definitions. */
class SingleNodeTest {
    @TempDir
    Path dir;

    @Test
    void withoutClusterFlagsNoRaftRunsAndTheApiShowsAClusterOfOne() throws Exception {
        int http = io.warren.broker.TestPorts.run(1);
        ServerOptions options = ServerOptions.parse(new String[] {"--amqp-port", "0", "--http-port",
                String.valueOf(http), "--prometheus-port", "none", "--bind", "127.0.0.1", "--data-dir",
                dir.toString(), "--node-name", "warren@solo"});
        try (ServerStartup.Running running = ServerStartup.start(options)) {
            assertFalse(Files.exists(dir.resolve("raft")), "no Raft log for a single node");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("group-")
                    || t.getName().startsWith("warren-cluster")), "no Ratis or cluster thread");
            assertEquals(null, running.cluster());
            // the default user is made by the broker itself, at once, as always
            assertTrue(running.broker().users().user("guest") != null);
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/api/cluster"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "guest:guest".getBytes(StandardCharsets.UTF_8))).build();
            HttpResponse<String> res = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
            assertTrue(res.body().contains("\"clustered\":false") && res.body().contains("\"name\":\"warren@solo\""),
                    res.body());
        }
    }
}
