package io.warren.broker;

import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SmokeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @Test
    void aPublishedMessageCanBeFetchedBack() throws Exception {
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, utf8("hello"));
            GetResponse r = ch.basicGet(q, true);
            assertArrayEquals(utf8("hello"), r.getBody());
            assertEquals(0, r.getMessageCount());
        }
    }
}
