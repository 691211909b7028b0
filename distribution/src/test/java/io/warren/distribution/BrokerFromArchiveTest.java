package io.warren.distribution;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unpacked release started with bin/warren, used with the RabbitMQ client, stopped with SIGTERM, restarted. */
class BrokerFromArchiveTest {
    private static final Pattern AMQP_LISTENING = Pattern.compile("AMQP 0-9-1 listening on [^ ]*:(\\d+)");
    private static final String QUEUE = "release-check";

    @TempDir
    static Path dir;
    static Installation warren;
    @TempDir
    Path tmp;
    private Process broker;

    @BeforeAll
    static void unpack() throws Exception {
        warren = Installation.unpack(dir);
    }

    @AfterEach
    void stopLeftovers() throws InterruptedException {
        if (broker != null && broker.isAlive()) {
            broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Starts bin/warren on free ports and returns the AMQP port once it listens. */
    private int start(Path data, Path log) throws Exception {
        Files.writeString(log, "");
        broker = warren.command(warren.script("warren", "--amqp-port", "0", "--http-port", "0", "--prometheus-port", "0",
                        "--bind", "127.0.0.1"),
                Map.of("WARREN_DATA_DIR", data.toString(), "WARREN_HEAP", "256m",
                        "WARREN_LOGBACK", warren.home().toRealPath().resolve("conf/logback.xml").toString(),
                        "JAVA_HOME", System.getProperty("java.home")), log).start();
        AtomicReference<Integer> port = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Matcher m = AMQP_LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                port.set(Integer.parseInt(m.group(1)));
            }
            return port.get() != null || !broker.isAlive();
        });
        assertTrue(broker.isAlive(), "bin/warren ended without listening:\n" + Files.readString(log));
        return port.get();
    }

    private static Connection connect(int port) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        AtomicReference<Connection> c = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            c.set(f.newConnection("release-test"));
            return true;
        });
        return c.get();
    }

    /** Sends SIGTERM (what systemd's stop sends) and returns the exit code. */
    private int stop() throws InterruptedException {
        broker.destroy();
        assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "the broker did not stop within 60 s of SIGTERM");
        return broker.exitValue();
    }

    @Test
    void theStartedBrokerTakesMessagesStopsOnSigtermAndKeepsPersistentOnesForTheNextStart() throws Exception {
        Path data = tmp.resolve("data");
        Path log = tmp.resolve("broker.log");
        int port = start(data, log);

        // the script exec'd java: the process the test started (and will signal) is the JVM itself
        List<String> command = broker.info().command().map(List::of).orElse(List.of());
        assertTrue(command.size() == 1 && command.get(0).endsWith("/java"), "not java but " + command);
        List<String> args = broker.info().arguments().map(List::of).orElse(List.of());
        assertTrue(args.contains("-Xmx256m") && args.contains("-XX:+ExitOnOutOfMemoryError"), args.toString());
        assertTrue(args.contains("-Dlogback.configurationFile=" + warren.home().toRealPath()
                .resolve("conf/logback.xml")), args.toString());

        try (Connection c = connect(port); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, null);
            ch.confirmSelect();
            for (String body : List.of("first", "second")) {
                ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
            GetResponse first = ch.basicGet(QUEUE, true);
            assertEquals("first", new String(first.getBody(), StandardCharsets.UTF_8));
        }

        assertEquals(143, stop(), "a SIGTERM stop should end the JVM with 128 + 15:\n" + Files.readString(log));
        String firstRun = Files.readString(log);
        assertTrue(firstRun.contains("Warren stopped"), firstRun);
        assertFalse(firstRun.contains("|-ERROR") || firstRun.contains("|-WARN"),
                "Logback complained about conf/logback.xml:\n" + firstRun);
        try (Stream<Path> files = Files.walk(data)) {
            assertTrue(files.anyMatch(Files::isRegularFile), "nothing written under " + data);
        }

        port = start(data, log);
        try (Connection c = connect(port); Channel ch = c.createChannel()) {
            GetResponse second = ch.basicGet(QUEUE, true);
            assertEquals("second", second == null ? null : new String(second.getBody(), StandardCharsets.UTF_8),
                    "the persistent message did not survive the restart:\n" + Files.readString(log));
            assertNull(ch.basicGet(QUEUE, true), "the message taken before the stop came back");
        }
        assertEquals(143, stop(), Files.readString(log));
    }
}
