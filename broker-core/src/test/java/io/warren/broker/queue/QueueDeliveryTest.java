package io.warren.broker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueueDeliveryTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    static byte[] number(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    static int number(byte[] body) {
        return ByteBuffer.wrap(body).getInt();
    }

    @Test
    void consumersOnTwoConnectionsShareOneQueue() throws Exception {
        try (Connection c1 = broker.connect(); Connection c2 = broker.connect(); Connection pub = broker.connect()) {
            Channel p = pub.createChannel();
            String q = p.queueDeclare("shared-" + System.nanoTime(), false, false, true, null).getQueue();
            Channel ch1 = c1.createChannel();
            Channel ch2 = c2.createChannel();
            ch1.basicQos(10);
            ch2.basicQos(10);
            Deliveries d1 = new Deliveries(ch1);
            Deliveries d2 = new Deliveries(ch2);
            ch1.basicConsume(q, false, d1);
            ch2.basicConsume(q, false, d2);
            assertEquals(2, p.queueDeclarePassive(q).getConsumerCount());
            int n = 200;
            for (int i = 0; i < n; i++) {
                p.basicPublish("", q, null, number(i));
            }
            Set<Integer> seen = Collections.synchronizedSet(new HashSet<>());
            AtomicInteger fromFirst = new AtomicInteger();
            AtomicInteger fromSecond = new AtomicInteger();
            int got = 0;
            while (got < n) {
                Deliveries.Delivery x = d1.poll(5);
                Channel ackOn = ch1;
                AtomicInteger counter = fromFirst;
                if (x == null) {
                    x = d2.poll(5);
                    ackOn = ch2;
                    counter = fromSecond;
                }
                if (x == null) {
                    continue;
                }
                assertTrue(seen.add(number(x.body())), "duplicate " + number(x.body()));
                ackOn.basicAck(x.tag(), false);
                counter.incrementAndGet();
                got++;
            }
            assertEquals(n, seen.size());
            assertTrue(fromFirst.get() > 0 && fromSecond.get() > 0,
                    "both consumers got work: " + fromFirst + " / " + fromSecond);
            await().atMost(Duration.ofSeconds(10)).until(() -> p.queueDeclarePassive(q).getMessageCount() == 0);
        }
    }

    @Test
    void whenOneConnectionGoesAwayTheOtherGetsItsUnackedMessages() throws Exception {
        try (Connection c2 = broker.connect(); Connection pub = broker.connect()) {
            Channel p = pub.createChannel();
            String q = p.queueDeclare("failover-" + System.nanoTime(), false, false, true, null).getQueue();
            Connection c1 = broker.connect();
            Channel ch1 = c1.createChannel();
            ch1.basicQos(5);
            Deliveries d1 = new Deliveries(ch1);
            ch1.basicConsume(q, false, d1);
            for (int i = 0; i < 5; i++) {
                p.basicPublish("", q, null, number(i));
            }
            assertEquals(5, d1.next(5).size());
            Channel ch2 = c2.createChannel();
            Deliveries d2 = new Deliveries(ch2);
            ch2.basicConsume(q, false, d2);
            c1.close();
            List<Integer> got = new ArrayList<>();
            for (Deliveries.Delivery x : d2.next(5)) {
                got.add(number(x.body()));
                assertTrue(x.redelivered());
            }
            assertEquals(List.of(0, 1, 2, 3, 4), got);
        }
    }

    @Test
    void fiftyThousandMessagesWithPrefetch100ArriveInOrderExactlyOnce() throws Exception {
        int n = 50_000;
        try (Connection consumerConn = broker.connect(); Connection pub = broker.connect()) {
            Channel p = pub.createChannel();
            String q = p.queueDeclare("flood-" + System.nanoTime(), false, false, false, null).getQueue();
            Channel ch = consumerConn.createChannel();
            ch.basicQos(100);
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<String> problem = new AtomicReference<>();
            AtomicInteger expected = new AtomicInteger();
            ch.basicConsume(q, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                        throws IOException {
                    int i = number(body);
                    int want = expected.getAndIncrement();
                    if (i != want && problem.get() == null) {
                        problem.set("expected " + want + " got " + i + " (redelivered=" + env.isRedeliver() + ")");
                    }
                    if (env.isRedeliver() && problem.get() == null) {
                        problem.set("unexpected redelivery of " + i);
                    }
                    // ack every tenth with multiple, as clients do
                    if (want % 10 == 9 || want == n - 1) {
                        getChannel().basicAck(env.getDeliveryTag(), true);
                    }
                    if (want == n - 1) {
                        done.countDown();
                    }
                }
            });
            p.confirmSelect();
            for (int i = 0; i < n; i++) {
                p.basicPublish("", q, null, number(i));
            }
            p.waitForConfirmsOrDie(60_000);
            assertTrue(done.await(60, TimeUnit.SECONDS), "only " + expected.get() + " of " + n + " arrived");
            assertEquals(null, problem.get());
            await().atMost(Duration.ofSeconds(10)).until(() -> p.queueDeclarePassive(q).getMessageCount() == 0);
            // nothing more: the queue is drained and nothing was left unacked
            ch.close();
            assertEquals(0, p.queueDeclarePassive(q).getMessageCount());
            assertEquals(n, expected.get(), "no delivery came after the last one");
            p.queueDelete(q);
        }
    }
}
