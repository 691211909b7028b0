package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees when Warren cannot start: the process ends with a non-zero status and one line that says
 * why, never a stack trace or a JVM left running.
 */
class StartupFailureTest {
    @Test
    void anAmqpPortInUseEndsTheProcessNamingTheAddressAndPort(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port",
                    String.valueOf(taken.getLocalPort()), "--http-port", "0", "--bind", "127.0.0.1", "--data-dir",
                    dir.resolve("data").toString());
            try {
                assertEquals(1, broker.awaitExit());
                assertOneErrorLine(broker, "cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + " (AMQP): address already in use");
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void anHttpPortInUseEndsTheProcessNamingTheAddressAndPort(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port",
                    String.valueOf(taken.getLocalPort()), "--bind", "127.0.0.1", "--data-dir",
                    dir.resolve("data").toString());
            try {
                assertEquals(1, broker.awaitExit());
                assertOneErrorLine(broker, "cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + " (HTTP): address already in use");
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void aDataDirectoryThatIsAFileEndsTheProcessSayingSo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port",
                "none", "--bind", "127.0.0.1", "--data-dir", file.toString());
        assertEquals(1, broker.awaitExit());
        assertOneErrorLine(broker, "cannot use data directory " + file + ": it is a file, not a directory");
    }

    @Test
    void aDefinitionsFileThatIsNotJsonEndsTheProcessWithTheLineAndColumn(@TempDir Path dir) throws Exception {
        Path defs = Files.writeString(dir.resolve("defs.json"), "{\"vhosts\": [\n  {\"name\": }]}");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port",
                "none", "--bind", "127.0.0.1", "--data-dir", dir.resolve("data").toString(), "--definitions",
                defs.toString());
        assertEquals(1, broker.awaitExit());
        assertOneErrorLine(broker, "cannot read definitions file " + defs + ": not valid JSON: ");
        assertTrue(broker.log().contains("(line 2, column "), broker.log());
    }

    @Test
    void aBadValueInTheConfigFileEndsTheProcessWithOneLineAndStatus2(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("warren.conf"), "heartbeat = soon\n");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--config", config.toString(),
                "--data-dir", dir.resolve("data").toString());
        assertEquals(2, broker.awaitExit());
        assertEquals(List.of("warren: heartbeat must be a number, got 'soon'"), broker.lines());
        assertFalse(Files.exists(dir.resolve("data")), "nothing is started or created");
    }

    @Test
    void aBadLogLevelEndsTheProcessWithOneLineAndStatus2(@TempDir Path dir) throws Exception {
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--log-level", "loud");
        assertEquals(2, broker.awaitExit());
        assertEquals(List.of("warren: log-level must be error, warn, info or debug, got 'loud'"), broker.lines());
    }

    @Test
    void aConfigFileThatIsNotThereEndsTheProcessNamingIt(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("missing.conf");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--config", config.toString());
        assertEquals(2, broker.awaitExit());
        assertEquals(List.of("warren: cannot read config file " + config + ": no such file or directory"),
                broker.lines());
    }

    @Test
    void versionPrintsTheProjectVersionAndExits0(@TempDir Path dir) throws Exception {
        String expected = System.getProperty("warren.project.version");
        assertTrue(expected != null && !expected.isBlank(), "surefire passes the project version");
        for (String flag : List.of("--version", "-v")) {
            BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), flag);
            assertEquals(0, broker.awaitExit());
            assertEquals(List.of("Warren " + expected), broker.lines(), flag);
        }
    }

    /** Exactly one ERROR line, the expected one, and nothing that looks like a stack trace. */
    private static void assertOneErrorLine(BrokerProcess broker, String expected) throws Exception {
        List<String> errors = broker.lines().stream().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), broker.log());
        assertTrue(errors.get(0).contains(expected), broker.log());
        assertFalse(broker.log().contains("\tat "), "no stack trace:\n" + broker.log());
        assertFalse(broker.log().contains("Exception"), "no exception class names:\n" + broker.log());
    }
}
