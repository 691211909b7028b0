package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Confirmed persistent messages of a durable delayed exchange survive SIGKILL and fire after the restart. */
class DelayedCrashTest {
    private static final int MESSAGES = 2_000;

    @TempDir
    Path dir;

    private BrokerProcess start() throws Exception {
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--bind",
                "127.0.0.1", "--http-port", "0", "--data-dir", dir.resolve("data").toString());
        assertTrue(broker.port() > 0, "the broker did not start:\n" + broker.log());
        return broker;
    }

    @Test
    void confirmedDelayedMessagesSurviveSigkillAndFireOnceAfterTheRestart() throws Exception {
        BrokerProcess broker = start();
        Connection c = broker.connect();
        try {
            Channel ch = c.createChannel();
            ch.exchangeDeclare("later", "x-delayed-message", true, false, Map.of("x-delayed-type", "fanout"));
            ch.queueDeclare("due", true, false, false, Map.of());
            ch.queueBind("due", "later", "");
            ch.confirmSelect();
            for (int i = 0; i < MESSAGES; i++) {
                // none due before the kill (a message that fired then may come again: at least once), spread over
                // several buckets, some of them due before the broker is back
                AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().deliveryMode(2)
                        .headers(Map.of("x-delay", 5_000 + (i % 40) * 100)).build();
                ch.basicPublish("later", "", p, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
            broker.kill();
        } finally {
            c.abort();
        }

        try (BrokerProcess again = start(); Connection c2 = again.connect(); Channel ch = c2.createChannel()) {
            Set<String> got = new HashSet<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.size() < MESSAGES && System.currentTimeMillis() < deadline) {
                GetResponse r = ch.basicGet("due", true);
                if (r == null) {
                    Thread.sleep(20);
                    continue;
                }
                assertTrue(got.add(new String(r.getBody(), StandardCharsets.UTF_8)), "a message came twice");
            }
            assertEquals(MESSAGES, got.size(), "confirmed delayed messages lost:\n" + again.log());
            Thread.sleep(500);
            assertEquals(null, ch.basicGet("due", true), "nothing more comes");
        }
    }
}
