package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeTest {
    static RunningBroker broker;

    @BeforeAll
    static void start() {
        broker = RunningBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aPublishedMessageCanBeFetchedBack() throws Exception {
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, "hello".getBytes(StandardCharsets.UTF_8));
            GetResponse r = ch.basicGet(q, true);
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), r.getBody());
            assertEquals(0, r.getMessageCount());
        }
    }
}
