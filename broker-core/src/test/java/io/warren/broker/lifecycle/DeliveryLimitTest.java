package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** x-delivery-limit on an ordinary queue: a poison message is dead-lettered once it has been returned too often. */
class DeliveryLimitTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @Test
    void aMessageReturnedMoreOftenThanTheLimitIsDeadLetteredAsDeliveryLimit() throws Exception {
        Channel ch = broker.channel();
        String dlq = ch.queueDeclare().getQueue();
        String q = ch.queueDeclare(unique("poison"), false, false, false, Map.of("x-delivery-limit", 2,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq)).getQueue();
        ch.basicPublish("", q, null, utf8("poison"));
        // delivered three times: the first return and the second are within the limit, the third is not
        for (int attempt = 1; attempt <= 3; attempt++) {
            GetResponse r = await().until(() -> ch.basicGet(q, false), x -> x != null);
            Object count = r.getProps().getHeaders() == null ? null
                    : r.getProps().getHeaders().get("x-delivery-count");
            if (attempt == 1) {
                assertNull(count, "a first delivery carries no count");
            } else {
                assertEquals((long) attempt - 1, count);
            }
            ch.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
        }
        GetResponse dead = await().atMost(Duration.ofSeconds(5)).until(() -> ch.basicGet(dlq, true), r -> r != null);
        assertEquals("poison", text(dead));
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("delivery_limit", death.get("reason").toString());
        assertEquals(0, ch.messageCount(q));
    }

    @Test
    void aConsumerThatDiesWithTheMessageCountsAsAReturn() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("poison"), false, false, false, Map.of("x-delivery-limit", 0)).getQueue();
        ch.basicPublish("", q, null, utf8("crashes its consumer"));
        try (Connection c = broker.connect()) {
            Channel other = c.createChannel();
            assertEquals("crashes its consumer", text(await().until(() -> other.basicGet(q, false), x -> x != null)));
        }
        // returned once with a limit of 0: dropped, as there is no dead-letter exchange
        await().atMost(Duration.ofSeconds(5)).until(() -> ch.messageCount(q) == 0);
        assertNull(ch.basicGet(q, true));
        assertFalse(broker.broker().vhost("/").queue(q).isDeleted());
    }
}
