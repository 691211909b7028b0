package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A super stream declared in the --definitions file: made at the first start, kept and unchanged by the next. */
class SuperStreamDefinitionsFileTest {
    private static final String KEYS_FILE = """
            {"super_streams": [{"name": "events", "vhost": "/", "partitions": 3,
                                "arguments": {"x-max-age": "1D"}}]}
            """;

    @Test
    void theFilesSuperStreamSurvivesAKillAndARestartAndKeepsEachKeyInItsPartition(@TempDir Path dir)
            throws Exception {
        Path defs = dir.resolve("defs.json");
        Files.writeString(defs, KEYS_FILE);
        String[] args = {"--amqp-port", "0", "--bind", "127.0.0.1", "--http-port", "0",
                "--data-dir", dir.resolve("data").toString(), "--definitions", defs.toString()};
        BrokerProcess first = BrokerProcess.start(dir.resolve("broker.log"), args);
        try {
            assertTrue(first.port() > 0, first.log());
            assertTrue(first.log().contains("1 super streams"), first.log());
            publish(first, 0);
        } finally {
            first.kill(); // what the file made and what was confirmed must be on disk already
        }

        BrokerProcess second = BrokerProcess.start(dir.resolve("broker.log"), args);
        try {
            assertTrue(second.port() > 0, second.log());
            publish(second, 1);
            Map<String, String> partitionOfKey = new HashMap<>();
            try (Connection c = second.connect()) {
                Channel ch = c.createChannel();
                ch.exchangeDeclarePassive("events");
                assertThrows(IOException.class, () -> c.createChannel().queueDeclarePassive("events-3"),
                        "three partitions, as the file says, after two loads of it");
                List<String> all = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    List<String> bodies = readAll(c, "events-" + i);
                    for (String body : bodies) {
                        String key = body.split(":")[0];
                        String before = partitionOfKey.putIfAbsent(key, "events-" + i);
                        assertTrue(before == null || before.equals("events-" + i),
                                key + " was routed to " + before + " before the restart, to events-" + i + " after");
                    }
                    all.addAll(bodies);
                }
                assertEquals(2 * 5 * 4, all.size(), "every confirmed message of both runs, once: " + all);
            }
        } finally {
            second.close();
        }

        Files.writeString(defs, KEYS_FILE.replace("\"partitions\": 3", "\"partitions\": 4"));
        BrokerProcess third = BrokerProcess.start(dir.resolve("broker.log"), args);
        try {
            assertEquals(-1, third.port(), "a file that asks for another partition count stops the start");
            assertTrue(third.log().contains("cannot load definitions from " + defs + ": super stream 'events' in "
                    + "vhost '/': it already exists with 3 partitions, not 4: delete it first to change the number"),
                    third.log());
        } finally {
            third.close();
        }
    }

    private static void publish(BrokerProcess broker, int run) throws Exception {
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            ch.confirmSelect();
            for (int n = 0; n < 4; n++) {
                for (int k = 0; k < 5; k++) {
                    ch.basicPublish("events", "key-" + k, new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                            ("key-" + k + ":" + run + ":" + n).getBytes(StandardCharsets.UTF_8));
                }
            }
            ch.waitForConfirmsOrDie(30_000);
        }
    }

    /** Every message the stream holds, read from its first offset until the queue's count has arrived. */
    private static List<String> readAll(Connection c, String stream) throws Exception {
        Channel ch = c.createChannel();
        long held = ch.queueDeclarePassive(stream).getMessageCount();
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        ch.basicQos(100);
        ch.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                bodies.add(new String(body, StandardCharsets.UTF_8));
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() >= held);
        ch.close();
        return List.copyOf(bodies);
    }
}
