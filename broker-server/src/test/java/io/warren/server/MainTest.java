package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as an operator starts it: a separate JVM running Main with flags. */
class MainTest {
    @Test
    void mainListensWhereTheFlagsSayAndLoadsTheDefinitionsFile(@TempDir Path dir) throws Exception {
        Path defs = dir.resolve("defs.json");
        Files.writeString(defs, """
                {"vhosts": [{"name": "shop"}],
                 "users": [{"name": "app", "password": "pw", "tags": ""}],
                 "permissions": [{"user": "app", "vhost": "shop", "configure": ".*", "write": ".*", "read": ".*"}],
                 "exchanges": [{"name": "orders", "vhost": "shop", "type": "topic", "durable": true,
                                "auto_delete": false, "internal": false, "arguments": {}}],
                 "queues": [{"name": "orders.eu", "vhost": "shop", "durable": true, "auto_delete": false,
                             "arguments": {}}],
                 "bindings": [{"source": "orders", "vhost": "shop", "destination": "orders.eu",
                               "destination_type": "queue", "routing_key": "eu.#", "arguments": {}}]}
                """);
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"),
                "--amqp-port", "0", "--bind", "127.0.0.1", "--http-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--definitions", defs.toString());
        try {
            assertTrue(broker.port() > 0, "no listening line in " + broker.log());
            assertTrue(broker.log().contains("loaded definitions"), broker.log());
            assertTrue(Files.isDirectory(dir.resolve("data")), "the data directory is created");
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(broker.port());
            f.setUsername("app");
            f.setPassword("pw");
            f.setVirtualHost("shop");
            try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
                ch.basicPublish("orders", "eu.de", null, "order".getBytes(StandardCharsets.UTF_8));
                assertNotNull(ch.basicGet("orders.eu", true), "routed through the defined binding");
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void aSecondStartOnTheSameDataDirAndDefinitionsFileIsCleanAndKeepsWhatClientsDeclared(@TempDir Path dir)
            throws Exception {
        Path defs = dir.resolve("defs.json");
        Files.writeString(defs, """
                {"vhosts": [{"name": "shop"}],
                 "users": [{"name": "app", "password": "pw", "tags": "management"}],
                 "permissions": [{"user": "app", "vhost": "shop", "configure": ".*", "write": ".*", "read": ".*"}],
                 "exchanges": [{"name": "orders", "vhost": "shop", "type": "topic", "durable": true,
                                "arguments": {"alternate-exchange": "unrouted"}}],
                 "queues": [{"name": "orders.eu", "vhost": "shop", "durable": true,
                             "arguments": {"x-message-ttl": 60000, "x-dead-letter-exchange": "dlx"}}],
                 "bindings": [{"source": "orders", "vhost": "shop", "destination": "orders.eu",
                               "destination_type": "queue", "routing_key": "eu.#", "arguments": {}}]}
                """);
        String[] args = {"--amqp-port", "0", "--bind", "127.0.0.1", "--http-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--definitions", defs.toString()};
        BrokerProcess first = BrokerProcess.start(dir.resolve("first.log"), args);
        try {
            assertTrue(first.port() > 0, "no listening line in " + first.log());
            try (Connection c = appConnection(first.port()); Channel ch = c.createChannel()) {
                ch.queueDeclare("orders.us", true, false, false, null);
                ch.queueBind("orders.us", "orders", "us.#");
            }
        } finally {
            // SIGKILL: what was declared must already be on disk
            first.kill();
        }
        BrokerProcess second = BrokerProcess.start(dir.resolve("second.log"), args);
        try {
            assertTrue(second.port() > 0, "no listening line in " + second.log());
            assertTrue(second.log().contains("loaded definitions"), second.log());
            try (Connection c = appConnection(second.port()); Channel ch = c.createChannel()) {
                ch.basicPublish("orders", "eu.de", null, "eu".getBytes(StandardCharsets.UTF_8));
                ch.basicPublish("orders", "us.ny", null, "us".getBytes(StandardCharsets.UTF_8));
                assertNotNull(ch.basicGet("orders.eu", true), "the file's binding");
                assertNotNull(ch.basicGet("orders.us", true), "the binding a client made before the kill");
            }
        } finally {
            second.close();
        }
    }

    private static Connection appConnection(int port) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setUsername("app");
        f.setPassword("pw");
        f.setVirtualHost("shop");
        return f.newConnection();
    }

    @Test
    void aSecondBrokerOnADataDirInUseStopsWithTheReason(@TempDir Path dir) throws Exception {
        String[] args = {"--amqp-port", "0", "--bind", "127.0.0.1", "--data-dir", dir.resolve("data").toString()};
        BrokerProcess first = BrokerProcess.start(dir.resolve("first.log"), args);
        try {
            assertTrue(first.port() > 0, "no listening line in " + first.log());
            BrokerProcess second = BrokerProcess.start(dir.resolve("second.log"), args);
            assertEquals(1, second.awaitExit());
            assertTrue(second.log().contains("cannot restore definitions from"),
                    second.log());
        } finally {
            first.close();
        }
    }

    @Test
    void aBrokenDefinitionsFileStopsStartUpWithTheReason(@TempDir Path dir) throws Exception {
        Path defs = dir.resolve("defs.json");
        Files.writeString(defs, "{\"queues\": [{\"name\": \"q\", \"vhost\": \"nowhere\"}]}");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"),
                "--amqp-port", "0", "--bind", "127.0.0.1", "--data-dir",
                dir.resolve("data").toString(), "--definitions", defs.toString());
        assertEquals(1, broker.awaitExit());
        assertEquals(-1, broker.port());
        assertTrue(broker.log().contains("queue refers to unknown vhost 'nowhere'"),
                broker.log());
    }

    @Test
    void certificateFilesThatCannotBeReadStopStartUpWithTheReason(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing-cert.pem");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port",
                "0", "--bind", "127.0.0.1", "--data-dir", dir.resolve("data").toString(), "--tls-cert",
                missing.toString(), "--tls-key", dir.resolve("missing-key.pem").toString(), "--amqps-port", "0");
        try {
            assertEquals(1, broker.awaitExit());
            assertTrue(broker.log().contains("cannot read TLS files: " + missing), broker.log());
        } finally {
            broker.close();
        }
    }

    @Test
    void anUnknownFlagPrintsUsageAndExitsWith2(@TempDir Path dir) throws Exception {
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-prot", "1");
        assertEquals(2, broker.awaitExit());
        assertTrue(broker.log().contains("unknown option(s): [amqp-prot]"),
                broker.log());
        assertTrue(broker.log().contains("--definitions FILE"), "usage is printed");
    }

    @Test
    void aDiskFreeLimitAboveTheFreeSpaceRaisesTheDiskAlarmAtStartUp(@TempDir Path dir) throws Exception {
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"),
                "--amqp-port", "0", "--bind", "127.0.0.1", "--data-dir",
                dir.resolve("data").toString(), "--disk-free-limit", "1000000TB");
        try {
            assertTrue(broker.port() > 0, "no listening line in " + broker.log());
            assertTrue(broker.log().contains("disk resource limit alarm set"),
                    broker.log());
        } finally {
            broker.close();
        }
    }

    @Test
    void metricsAuthInTheConfigFileMakesMetricsAskForAMonitoringLogin(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("warren.conf");
        Files.writeString(config, "metrics-auth = true\n");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--bind",
                "127.0.0.1", "--http-port", "0", "--data-dir", dir.resolve("data").toString(), "--config",
                config.toString());
        try {
            assertTrue(broker.port() > 0, "no listening line in " + broker.log());
            int httpPort = httpPort(broker);
            String body = scrapeBehindMetricsAuth(URI.create("http://127.0.0.1:" + httpPort + "/metrics"));
            assertTrue(body.contains("warren_connections"), body);
        } finally {
            broker.close();
        }
    }

    @Test
    void thePrometheusPortServesRabbitmqsMetricNamesBehindMetricsAuth(@TempDir Path dir) throws Exception {
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--bind",
                "127.0.0.1", "--http-port", "none", "--prometheus-port", "0", "--metrics-auth", "true",
                "--data-dir", dir.resolve("data").toString());
        try {
            assertTrue(broker.port() > 0, "no listening line in " + broker.log());
            int port = logged(broker, "Prometheus metrics \\(RabbitMQ's names\\) listening on http://[^ ]*:(\\d+)/");
            String body = scrapeBehindMetricsAuth(URI.create("http://127.0.0.1:" + port + "/metrics"));
            assertTrue(body.contains("\nrabbitmq_identity_info{rabbitmq_node=\"warren@"), body);
            assertTrue(body.contains("\nrabbitmq_connections 0\n"), body);
        } finally {
            broker.close();
        }
    }

    /** An anonymous scrape gets 401, guest's (an administrator) 200: its body. */
    private static String scrapeBehindMetricsAuth(URI metrics) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(metrics).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        HttpResponse<String> guest = http.send(HttpRequest.newBuilder(metrics).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, guest.statusCode());
        return guest.body();
    }

    private static int logged(BrokerProcess broker, String regex) throws Exception {
        Pattern line = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(broker.log());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + regex + " in " + broker.log());
    }

    // the management server logs its port once it is up, a moment after the AMQP listener
    private static int httpPort(BrokerProcess broker) throws Exception {
        return logged(broker, "Warren management \\(API, console, /metrics\\) listening on http://[^ ]*:(\\d+)/");
    }
}
