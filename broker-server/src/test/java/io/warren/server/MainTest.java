package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as an operator starts it: a separate JVM running Main with flags. */
class MainTest {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");

    /** A broker process and the lines it logged until it was listening (or exited). */
    private record Started(Process process, int port, List<String> log) {
    }

    private static Started start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> log = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            log.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return new Started(p, Integer.parseInt(m.group(1)), log);
            }
        }
        return new Started(p, -1, log);
    }

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
        Started broker = start("--amqp-port", "0", "--bind", "127.0.0.1", "--http-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--definitions", defs.toString());
        try {
            assertTrue(broker.port() > 0, "no listening line in " + broker.log());
            assertTrue(broker.log().stream().anyMatch(l -> l.contains("loaded definitions")), broker.log().toString());
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
            broker.process().destroy();
            broker.process().waitFor(10, TimeUnit.SECONDS);
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
        Started first = start(args);
        try {
            assertTrue(first.port() > 0, "no listening line in " + first.log());
            try (Connection c = appConnection(first.port()); Channel ch = c.createChannel()) {
                ch.queueDeclare("orders.us", true, false, false, null);
                ch.queueBind("orders.us", "orders", "us.#");
            }
        } finally {
            // SIGKILL: what was declared must already be on disk
            first.process().destroyForcibly();
            first.process().waitFor(10, TimeUnit.SECONDS);
        }
        Started second = start(args);
        try {
            assertTrue(second.port() > 0, "no listening line in " + second.log());
            assertTrue(second.log().stream().anyMatch(l -> l.contains("loaded definitions")), second.log().toString());
            try (Connection c = appConnection(second.port()); Channel ch = c.createChannel()) {
                ch.basicPublish("orders", "eu.de", null, "eu".getBytes(StandardCharsets.UTF_8));
                ch.basicPublish("orders", "us.ny", null, "us".getBytes(StandardCharsets.UTF_8));
                assertNotNull(ch.basicGet("orders.eu", true), "the file's binding");
                assertNotNull(ch.basicGet("orders.us", true), "the binding a client made before the kill");
            }
        } finally {
            second.process().destroy();
            second.process().waitFor(10, TimeUnit.SECONDS);
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
        Started first = start(args);
        try {
            assertTrue(first.port() > 0, "no listening line in " + first.log());
            Started second = start(args);
            assertTrue(second.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, second.process().exitValue());
            assertTrue(second.log().stream().anyMatch(l -> l.contains("cannot restore definitions from")),
                    second.log().toString());
        } finally {
            first.process().destroy();
            first.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBrokenDefinitionsFileStopsStartUpWithTheReason(@TempDir Path dir) throws Exception {
        Path defs = dir.resolve("defs.json");
        Files.writeString(defs, "{\"queues\": [{\"name\": \"q\", \"vhost\": \"nowhere\"}]}");
        Started broker = start("--amqp-port", "0", "--bind", "127.0.0.1", "--data-dir",
                dir.resolve("data").toString(), "--definitions", defs.toString());
        assertTrue(broker.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, broker.process().exitValue());
        assertEquals(-1, broker.port());
        assertTrue(broker.log().stream().anyMatch(l -> l.contains("queue refers to unknown vhost 'nowhere'")),
                broker.log().toString());
    }

    @Test
    void anUnknownFlagPrintsUsageAndExitsWith2(@TempDir Path dir) throws Exception {
        Started broker = start("--amqp-prot", "1");
        assertTrue(broker.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, broker.process().exitValue());
        assertTrue(broker.log().stream().anyMatch(l -> l.contains("unknown option(s): [amqp-prot]")),
                broker.log().toString());
        assertTrue(broker.log().stream().anyMatch(l -> l.contains("--definitions FILE")), "usage is printed");
    }

    @Test
    void aDiskFreeLimitAboveTheFreeSpaceRaisesTheDiskAlarmAtStartUp(@TempDir Path dir) throws Exception {
        Started broker = start("--amqp-port", "0", "--bind", "127.0.0.1", "--data-dir",
                dir.resolve("data").toString(), "--disk-free-limit", "1000000TB");
        try {
            assertTrue(broker.port() > 0, "no listening line in " + broker.log());
            assertTrue(broker.log().stream().anyMatch(l -> l.contains("disk resource limit alarm set")),
                    broker.log().toString());
        } finally {
            broker.process().destroy();
            broker.process().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
