package io.warren.bench.memory;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory-alarm scenario of a closing consumer: COUNT persistent messages are published to a durable queue, one
 * consumer without a prefetch limit takes them all unacked and then closes (everything is given back to the queue),
 * and a control publisher keeps publishing a message every 10 ms on its own queue throughout. The report gives how
 * long the control publisher was blocked by an alarm (connection.blocked to unblocked), how long after the close it
 * was last blocked, and how long a new consumer then takes to drain and ack every message. Bounded: each phase gives
 * up after its limit.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.memory.RequeueAlarm PORT COUNT BODY_BYTES</pre>
 */
public final class RequeueAlarm {
    private static final String QUEUE = "requeue-alarm";
    private static final long PHASE_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(5);

    private RequeueAlarm() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: RequeueAlarm PORT COUNT BODY_BYTES");
            System.exit(2);
        }
        int count = Integer.parseInt(args[1]);
        byte[] body = new byte[Integer.parseInt(args[2])];
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(Integer.parseInt(args[0]));
        f.setRequestedHeartbeat(0);
        long t0 = System.nanoTime();
        Blocking blocking = new Blocking(t0);
        try (Connection control = f.newConnection("control")) {
            control.addBlockedListener(blocking);
            Thread ticker = startControlPublisher(control);
            publish(f, count, body);
            log(t0, "published and confirmed " + count + " messages of " + body.length + " bytes");
            long closedAt = takeAllThenClose(f, count, t0);
            long drained = drain(f, count, t0);
            ticker.interrupt();
            long sinceClose = blocking.lastUnblockedNanos() - closedAt;
            System.out.printf("control publisher blocked %d times, %.1f s in all; last unblocked %s after the close;"
                            + " still blocked at the end: %s; drained %d of %d%n", blocking.times(),
                    blocking.totalNanos() / 1e9, blocking.lastUnblockedNanos() == 0 ? "never (n/a)"
                            : String.format("%.1f s", sinceClose / 1e9), blocking.blocked(), drained, count);
        }
    }

    private static Thread startControlPublisher(Connection control) throws IOException {
        Channel ch = control.createChannel();
        ch.queueDeclare("requeue-alarm-control", false, false, false, Map.of("x-max-length", 1000));
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    ch.basicPublish("", "requeue-alarm-control", null, new byte[16]);
                    Thread.sleep(10);
                }
            } catch (InterruptedException | IOException | RuntimeException e) {
                // ends with the run
            }
        }, "control-publisher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void publish(ConnectionFactory f, int count, byte[] body) throws Exception {
        try (Connection c = f.newConnection("publisher")) {
            Channel ch = c.createChannel();
            ch.queueDelete(QUEUE);
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            ch.confirmSelect();
            for (int i = 1; i <= count; i++) {
                ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, body);
                if (i % 5000 == 0) {
                    ch.waitForConfirmsOrDie(PHASE_LIMIT_NANOS / 1_000_000);
                }
            }
            ch.waitForConfirmsOrDie(PHASE_LIMIT_NANOS / 1_000_000);
        }
    }

    /** Takes every message unacked (no prefetch limit), then closes: the broker gives them all back. */
    private static long takeAllThenClose(ConnectionFactory f, int count, long t0) throws Exception {
        CountDownLatch all = new CountDownLatch(count);
        try (Connection c = f.newConnection("closing-consumer")) {
            Channel ch = c.createChannel();
            ch.basicConsume(QUEUE, false, (tag, d) -> all.countDown(), tag -> { });
            boolean got = all.await(PHASE_LIMIT_NANOS, TimeUnit.NANOSECONDS);
            log(t0, "closing consumer holds " + (count - all.getCount()) + " unacked" + (got ? "" : " (gave up)"));
        }
        long closed = System.nanoTime();
        log(t0, "closing consumer closed: its messages are requeued");
        return closed;
    }

    private static long drain(ConnectionFactory f, int count, long t0) throws Exception {
        AtomicLong acked = new AtomicLong();
        CountDownLatch all = new CountDownLatch(count);
        long start = System.nanoTime();
        try (Connection c = f.newConnection("draining-consumer")) {
            Channel ch = c.createChannel();
            ch.basicQos(1000);
            ch.basicConsume(QUEUE, false, (tag, d) -> {
                ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
                acked.incrementAndGet();
                all.countDown();
            }, tag -> { });
            all.await(PHASE_LIMIT_NANOS, TimeUnit.NANOSECONDS);
        }
        log(t0, String.format("drained and acked %d in %.1f s", acked.get(), (System.nanoTime() - start) / 1e9));
        return acked.get();
    }

    private static void log(long t0, String what) {
        System.out.printf("%7.1f s  %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    /** Counts connection.blocked periods as the control publisher hears them. */
    private static final class Blocking implements BlockedListener {
        private final long t0;
        private long since;
        private long total;
        private int times;
        private long lastUnblocked;

        Blocking(long t0) {
            this.t0 = t0;
        }

        @Override
        public synchronized void handleBlocked(String reason) {
            since = System.nanoTime();
            times++;
            log(t0, "control publisher blocked: " + reason);
        }

        @Override
        public synchronized void handleUnblocked() {
            lastUnblocked = System.nanoTime();
            total += lastUnblocked - since;
            since = 0;
            log(t0, "control publisher unblocked");
        }

        synchronized int times() {
            return times;
        }

        synchronized long totalNanos() {
            return total + (since == 0 ? 0 : System.nanoTime() - since);
        }

        synchronized long lastUnblockedNanos() {
            return lastUnblocked;
        }

        synchronized boolean blocked() {
            return since != 0;
        }
    }
}
