package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review finding: a per-consumer prefetch equal to QueueConsumer.UNLIMITED_IN_FLIGHT (2048) is taken for
 * "unlimited": credit is returned on write instead of on ack, so the prefetch is not enforced at all.
 */
class PrefetchLimitTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    @Test
    void prefetchOf2048IsEnforcedLikeAnyOtherPrefetch() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, numbered(1, 2100));
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q) == 2100);
            ch.basicQos(2048);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            d.next(2048);
            assertNull(d.poll(500), "more than prefetch=2048 unacked deliveries were sent");
            assertEquals(2100 - 2048, ready(ch, q));
        }
    }

    @Test
    void prefetchOf2047IsEnforced() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, numbered(1, 2100));
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(ch, q) == 2100);
            ch.basicQos(2047);
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, false, d);
            d.next(2047);
            assertNull(d.poll(500), "more than prefetch=2047 unacked deliveries were sent");
        }
    }
}
