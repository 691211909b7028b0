package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --log-level and --log-format, and an operator's own logback file winning over both. */
class LoggingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void withLogFormatJsonEveryLineIsAJsonObjectWithTimestampLevelLoggerThreadAndMessage(@TempDir Path dir)
            throws Exception {
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port",
                "none", "--bind", "127.0.0.1", "--data-dir", dir.resolve("data").toString(), "--log-format", "json");
        try {
            broker.connect().close();
            broker.awaitLog("closing AMQP connection");
        } finally {
            broker.close();
        }
        List<String> lines = broker.lines();
        assertTrue(lines.size() >= 5, broker.log());
        boolean sawStart = false;
        for (String line : lines) {
            JsonNode o = JSON.readTree(line);
            assertTrue(o.isObject(), line);
            assertTrue(o.path("timestamp").isNumber(), line);
            assertTrue(List.of("ERROR", "WARN", "INFO", "DEBUG").contains(o.path("level").asText()), line);
            assertFalse(o.path("loggerName").asText().isEmpty(), line);
            assertFalse(o.path("threadName").asText().isEmpty(), line);
            assertTrue(o.path("formattedMessage").isTextual(), line);
            sawStart |= o.path("formattedMessage").asText().startsWith("Starting Warren ");
        }
        assertTrue(sawStart, broker.log());
    }

    @Test
    void withLogLevelErrorAPortInUseIsTheOnlyLine(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port",
                    String.valueOf(taken.getLocalPort()), "--http-port", "none", "--bind", "127.0.0.1",
                    "--data-dir", dir.resolve("data").toString(), "--log-level", "error");
            assertEquals(1, broker.awaitExit());
            List<String> lines = broker.lines();
            assertEquals(1, lines.size(), broker.log());
            assertTrue(lines.get(0).contains(" ERROR ") && lines.get(0).contains("cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + " (AMQP)"), broker.log());
        }
    }

    @Test
    void withLogLevelDebugAStartUpFailureAlsoLogsItsStackTrace(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port",
                    String.valueOf(taken.getLocalPort()), "--http-port", "none", "--bind", "127.0.0.1",
                    "--data-dir", dir.resolve("data").toString(), "--log-level", "debug");
            assertEquals(1, broker.awaitExit());
            String log = broker.log();
            assertTrue(log.contains("DEBUG [main] Main - start-up failure"), log);
            assertTrue(log.contains("\tat io.warren.broker.Broker.start"), log);
        }
    }

    @Test
    void aLogbackFileGivenWithTheSystemPropertyWinsOverTheFlags(@TempDir Path dir) throws Exception {
        Path logback = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>OPERATOR %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"),
                List.of("-Dlogback.configurationFile=" + logback), "--amqp-port", "0", "--http-port", "none",
                "--bind", "127.0.0.1", "--data-dir", dir.resolve("data").toString(), "--log-format", "json");
        try {
            String log = broker.awaitLog("started in");
            assertTrue(log.contains("OPERATOR WARN log-level and log-format are ignored: logging is configured by "
                    + logback), log);
            assertTrue(log.contains("OPERATOR INFO Starting Warren "), log);
            assertFalse(log.contains("{\""), "no JSON lines:\n" + log);
        } finally {
            broker.close();
        }
    }
}
