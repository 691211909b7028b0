package io.warren.bench.delayed;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes COUNT persistent messages with delays spread evenly over [MIN_DELAY, MAX_DELAY] ms to a durable
 * x-delayed-message exchange, and consumes them from the queue bound to it, measuring how late each one fires:
 * receive time minus the due time the publisher put in header "due" (publish time + delay, taken before the
 * send, so the time to reach the broker is counted as lateness too). Prints "all confirmed" once every message
 * is pending (the script measures the broker's memory then), and the lateness distribution at the end.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.delayed.DelayedBenchmark PORT COUNT SIZE MIN MAX</pre>
 */
public final class DelayedBenchmark {
    private static final String EXCHANGE = "bench.delayed";
    private static final String QUEUE = "bench.delayed.due";
    // small, so that a message reaches the broker soon after its due time is taken (the broker times the delay
    // from when it gets the message)
    private static final int CONFIRM_WINDOW = Integer.getInteger("window", 1_000);
    private static final int MAX_LATENESS_MS = 600_000;

    private DelayedBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: DelayedBenchmark PORT COUNT SIZE MIN_DELAY_MS MAX_DELAY_MS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        int size = Math.max(8, Integer.parseInt(args[2]));
        int minDelay = Integer.parseInt(args[3]);
        int maxDelay = Integer.parseInt(args[4]);
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setRequestedHeartbeat(0);
        try (Connection consuming = f.newConnection(); Connection publishing = f.newConnection()) {
            Channel setup = publishing.createChannel();
            setup.exchangeDelete(EXCHANGE);
            setup.exchangeDeclare(EXCHANGE, "x-delayed-message", true, false, Map.of("x-delayed-type", "direct"));
            setup.queueDeclare(QUEUE, true, false, false, Map.of());
            setup.queuePurge(QUEUE);
            setup.queueBind(QUEUE, EXCHANGE, "due");
            Lateness lateness = new Lateness(count);
            consume(consuming.createChannel(), lateness);
            publish(publishing.createChannel(), count, size, minDelay, maxDelay);

            long deadline = System.currentTimeMillis() + maxDelay + 300_000;
            long lastReport = System.currentTimeMillis();
            while (lateness.received() < count && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                if (System.currentTimeMillis() - lastReport >= 10_000) {
                    lastReport = System.currentTimeMillis();
                    System.out.printf("received %,d of %,d%n", lateness.received(), count);
                }
            }
            lateness.report();
            System.exit(lateness.received() == count && lateness.duplicates() == 0 ? 0 : 1);
        }
    }

    private static void consume(Channel ch, Lateness lateness) throws Exception {
        ch.basicQos(2_000);
        ch.basicConsume(QUEUE, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws java.io.IOException {
                long now = System.currentTimeMillis();
                long due = ((Number) props.getHeaders().get("due")).longValue();
                lateness.record(ByteBuffer.wrap(body).getInt(0), now - due);
                if (envelope.getDeliveryTag() % 500 == 0) {
                    ch.basicAck(envelope.getDeliveryTag(), true);
                }
            }
        });
    }

    private static void publish(Channel ch, int count, int size, int minDelay, int maxDelay) throws Exception {
        Semaphore window = new Semaphore(CONFIRM_WINDOW);
        AtomicLong lastConfirmed = new AtomicLong();
        AtomicLong nacked = new AtomicLong();
        ch.confirmSelect();
        ch.addConfirmListener((seq, multiple) -> window.release((int) (seq - lastConfirmed.getAndSet(seq))),
                (seq, multiple) -> {
                    nacked.incrementAndGet();
                    window.release((int) (seq - lastConfirmed.getAndSet(seq)));
                });
        SplittableRandom random = new SplittableRandom(1);
        byte[] body = new byte[size];
        ByteBuffer numbered = ByteBuffer.wrap(body);
        long start = System.nanoTime();
        for (int n = 0; n < count; n++) {
            window.acquire();
            numbered.putInt(0, n);
            int delay = minDelay + random.nextInt(maxDelay - minDelay + 1);
            long due = System.currentTimeMillis() + delay;
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2)
                    .headers(Map.of("x-delay", delay, "due", due)).build();
            ch.basicPublish(EXCHANGE, "due", props, body);
            if ((n + 1) % 200_000 == 0) {
                System.out.printf("published %,d%n", n + 1);
            }
        }
        if (!window.tryAcquire(CONFIRM_WINDOW, 120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("confirms missing");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("all confirmed: %,d delayed messages of %d B in %.1f s (%,.0f msg/s), %d nacked%n", count,
                size, seconds, count / seconds, nacked.get());
        System.out.flush();
    }

    /** Lateness counts per millisecond, and which messages came (to catch losses and duplicates). */
    private static final class Lateness {
        private final int[] perMs = new int[MAX_LATENESS_MS + 1];
        private final BitSet seen;
        private long received;
        private long early;
        private long earliest;
        private long duplicates;

        Lateness(int count) {
            this.seen = new BitSet(count);
        }

        synchronized void record(int n, long lateMs) {
            if (seen.get(n)) {
                duplicates++;
                return;
            }
            seen.set(n);
            received++;
            if (lateMs < 0) {
                early++;
                earliest = Math.min(earliest, lateMs);
                lateMs = 0;
            }
            perMs[(int) Math.min(lateMs, MAX_LATENESS_MS)]++;
        }

        synchronized long received() {
            return received;
        }

        synchronized long duplicates() {
            return duplicates;
        }

        synchronized void report() {
            System.out.printf("received %,d distinct messages, %d duplicates, %d before their due time (earliest "
                    + "%d ms)%n", received, duplicates, early, earliest);
            System.out.printf("lateness (receive time - due time): p50 %d ms, p90 %d ms, p99 %d ms, p99.9 %d ms, "
                    + "max %d ms%n", percentile(0.50), percentile(0.90), percentile(0.99), percentile(0.999),
                    percentile(1.0));
            long within50 = 0;
            for (int i = 0; i <= 50; i++) {
                within50 += perMs[i];
            }
            System.out.printf("fired within 50 ms of due: %.3f%%%n", 100.0 * within50 / Math.max(1, received));
        }

        private int percentile(double p) {
            long rank = (long) Math.ceil(p * received);
            long seenSoFar = 0;
            for (int i = 0; i < perMs.length; i++) {
                seenSoFar += perMs[i];
                if (seenSoFar >= rank && seenSoFar > 0) {
                    return i;
                }
            }
            return MAX_LATENESS_MS;
        }
    }
}
