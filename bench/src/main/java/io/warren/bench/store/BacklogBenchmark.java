package io.warren.bench.store;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fills one durable queue with a large backlog of numbered persistent messages (publish), or drains it and checks
 * that every number comes back once and in order (drain). bench/scripts/backlog.sh runs both around a restart.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.store.BacklogBenchmark publish|drain PORT COUNT SIZE</pre>
 */
public final class BacklogBenchmark {
    private static final String QUEUE = "backlog";
    private static final int CONFIRM_WINDOW = 2_000;

    private BacklogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: BacklogBenchmark publish|drain PORT COUNT SIZE");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        long count = Long.parseLong(args[2]);
        int size = Integer.parseInt(args[3]);
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setRequestedHeartbeat(0);
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            boolean ok = switch (args[0]) {
                case "publish" -> publish(ch, count, size);
                case "drain" -> drain(ch, count);
                default -> throw new IllegalArgumentException("publish or drain, not " + args[0]);
            };
            System.exit(ok ? 0 : 1);
        }
    }

    private static boolean publish(Channel ch, long count, int size) throws Exception {
        Semaphore window = new Semaphore(CONFIRM_WINDOW);
        AtomicLong nacked = new AtomicLong();
        AtomicLong lastConfirmed = new AtomicLong();
        ch.confirmSelect();
        ch.addConfirmListener((seq, multiple) -> {
            window.release((int) (seq - lastConfirmed.getAndSet(seq)));
        }, (seq, multiple) -> {
            nacked.incrementAndGet();
            window.release((int) (seq - lastConfirmed.getAndSet(seq)));
        });
        byte[] body = new byte[size];
        ByteBuffer numbered = ByteBuffer.wrap(body);
        long start = System.nanoTime();
        long lapStart = start;
        for (long n = 0; n < count; n++) {
            window.acquire();
            numbered.putLong(0, n);
            ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, body);
            if ((n + 1) % 1_000_000 == 0) {
                long now = System.nanoTime();
                System.out.printf("published %,d (%,.0f msg/s over the last million)%n", n + 1,
                        1e6 / ((now - lapStart) / 1e9));
                lapStart = now;
            }
        }
        window.acquire(CONFIRM_WINDOW);
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("published and confirmed %,d messages of %d B in %.1f s: %,.0f msg/s, %d nacked%n",
                count, size, secs, count / secs, nacked.get());
        return nacked.get() == 0;
    }

    private static boolean drain(Channel ch, long count) throws Exception {
        long ready = ch.queueDeclarePassive(QUEUE).getMessageCount();
        System.out.printf("queue holds %,d messages%n", ready);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<String> error = new AtomicReference<>();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long[] lapStart = {start};
        ch.basicQos(1_000);
        ch.basicConsume(QUEUE, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body)
                    throws java.io.IOException {
                long n = ByteBuffer.wrap(body).getLong(0);
                long expected = next.getAndIncrement();
                if (n != expected && error.get() == null) {
                    error.set("expected message " + expected + " but got " + n);
                    done.countDown();
                }
                if (expected % 500 == 499 || expected == count - 1) {
                    getChannel().basicAck(env.getDeliveryTag(), true);
                }
                if ((expected + 1) % 1_000_000 == 0) {
                    long now = System.nanoTime();
                    System.out.printf("drained %,d (%,.0f msg/s over the last million)%n", expected + 1,
                            1e6 / ((now - lapStart[0]) / 1e9));
                    lapStart[0] = now;
                }
                if (expected == count - 1) {
                    done.countDown();
                }
            }
        });
        while (!done.await(60, TimeUnit.SECONDS)) {
            System.out.printf("... %,d so far%n", next.get());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (error.get() != null) {
            System.out.println("FAILED: " + error.get());
            return false;
        }
        System.out.printf("drained %,d messages in order in %.1f s: %,.0f msg/s%n", count, secs, count / secs);
        return ready == count;
    }
}
