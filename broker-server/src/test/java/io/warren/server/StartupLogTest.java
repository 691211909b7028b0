package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lines Warren logs as it starts: what runs, where its data is, what came back from it, where it listens. */
class StartupLogTest {
    @Test
    void theStartUpLogNamesVersionJavaHeapDataDirectoryAndEachListener(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--http-port",
                "0", "--bind", "127.0.0.1", "--data-dir", data.toString());
        try {
            String log = broker.awaitLog("started in");
            String version = System.getProperty("warren.project.version");
            assertTrue(log.contains("Starting Warren " + version + " on Java " + System.getProperty("java.version")),
                    log);
            assertTrue(Pattern.compile("max heap \\d+ MiB").matcher(log).find(), log);
            assertTrue(log.contains("data directory " + data.toAbsolutePath()), log);
            assertTrue(log.contains("new data directory: created vhost '/' and user 'guest'"), log);
            assertTrue(log.contains("AMQP 0-9-1 listening on 127.0.0.1:" + broker.port()), log);
            assertTrue(Pattern.compile("listening on http://127\\.0\\.0\\.1:\\d+/").matcher(log).find(), log);
        } finally {
            broker.close();
        }
    }

    @Test
    void aRestartLogsHowManyQueuesMessagesAndDelayedMessagesCameBack(@TempDir Path dir) throws Exception {
        String[] args = {"--amqp-port", "0", "--http-port", "none", "--bind", "127.0.0.1", "--data-dir",
                dir.resolve("data").toString()};
        BrokerProcess first = BrokerProcess.start(dir.resolve("first.log"), args);
        try (Connection c = first.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            ch.queueDeclare("orders", true, false, false, null);
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", "orders", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("order " + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.exchangeDeclare("later", "x-delayed-message", true, false, Map.of("x-delayed-type", "direct"));
            AMQP.BasicProperties inAnHour = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
                    .headers(Map.of("x-delay", 3_600_000)).build();
            for (int i = 0; i < 2; i++) {
                ch.basicPublish("later", "orders", inAnHour, "reminder".getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
        } finally {
            first.close();
        }
        BrokerProcess second = BrokerProcess.start(dir.resolve("second.log"), args);
        try {
            String log = second.awaitLog("started in");
            assertTrue(Pattern.compile("recovered from [^ ]+ in \\d+ ms: 1 vhosts, 1 users, 1 exchanges, 1 queues, "
                    + "0 bindings, 0 policies, 3 messages, 2 delayed messages").matcher(log).find(), log);
        } finally {
            second.close();
        }
    }
}
