package io.warren.broker.queue.classic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import io.warren.broker.RunningBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publishers to a queue whose consumers are busy but behind are paused (as RabbitMQ's flow control does), so
 * the backlog stays bounded; consumers that are absent or stuck never hold publishers back.
 */
class FlowControlTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static final byte[] BODY = new byte[16];

    /** Publishes count messages from a thread of its own (the client blocks while the broker does not read). */
    private static Thread publishInBackground(Connection c, String q, int count, AtomicInteger published) {
        Thread t = new Thread(() -> {
            try (Channel ch = c.createChannel()) {
                for (int i = 0; i < count; i++) {
                    ch.basicPublish("", q, null, BODY);
                    published.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    private static MessageQueue queue(String name) {
        return (MessageQueue) broker.broker().vhost("/").queue(name);
    }

    @Test
    void aBusyButSlowConsumerKeepsTheBacklogBounded() throws Exception {
        Connection consumerConn = broker.connect();
        Connection publisherConn = broker.connect();
        Channel consumer = consumerConn.createChannel();
        String q = consumer.queueDeclare().getQueue();
        consumer.basicQos(50);
        AtomicBoolean slow = new AtomicBoolean(true);
        AtomicInteger received = new AtomicInteger();
        consumer.basicConsume(q, false, new DefaultConsumer(consumer) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                if (slow.get()) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                received.incrementAndGet();
                getChannel().basicAck(env.getDeliveryTag(), false);
            }
        });
        int total = 200_000;
        AtomicInteger published = new AtomicInteger();
        Thread publisher = publishInBackground(publisherConn, q, total, published);
        int maxReady = 0;
        // watch the backlog while the consumer is slow: flow control must cap it near the high mark
        while (published.get() < total && received.get() < 3_000) {
            maxReady = Math.max(maxReady, queue(q).readyCountSnapshot());
            Thread.sleep(5);
        }
        slow.set(false);
        publisher.join(60_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> received.get() == total);
        assertEquals(total, published.get());
        // A read batch or two land after the queue enters flow: up to 16 socket reads of 64 KiB, about 12,000 of
        // these small publishes each, and more where a slow machine lets the socket buffer fill between reads
        // (42,596 seen once). Without flow control the backlog passed 148,000.
        assertTrue(maxReady < QueueFlow.HIGH + 40_000,
                "backlog reached " + maxReady + " with a busy consumer");
        assertTrue(maxReady >= QueueFlow.LOW, "the publisher should have outrun the slow consumer");
    }

    @Test
    void aQueueWithoutConsumersTakesEverythingPublished() throws Exception {
        Connection c = broker.connect();
        String q = c.createChannel().queueDeclare().getQueue();
        int total = 3 * QueueFlow.HIGH;
        AtomicInteger published = new AtomicInteger();
        publishInBackground(c, q, total, published).join(60_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> queue(q).readyCountSnapshot() == total);
        assertTrue(!queue(q).inFlow());
    }

    @Test
    void aStuckConsumerDoesNotHoldThePublisherForever() throws Exception {
        Connection c = broker.connect();
        Channel consumer = c.createChannel();
        String q = consumer.queueDeclare().getQueue();
        consumer.basicQos(10);
        consumer.basicConsume(q, false, new DefaultConsumer(consumer)); // takes 10, never acks
        int total = 3 * QueueFlow.HIGH;
        AtomicInteger published = new AtomicInteger();
        Thread publisher = publishInBackground(broker.connect(), q, total, published);
        publisher.join(60_000);
        assertEquals(total, published.get());
        await().atMost(Duration.ofSeconds(30)).until(() -> queue(q).readyCountSnapshot() == total - 10);
    }
}
