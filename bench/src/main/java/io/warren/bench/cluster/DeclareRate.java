package io.warren.bench.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.concurrent.TimeUnit;

/**
 * Durable queue declarations per second on one channel, as a client declaring its topology one queue after another
 * would see them: WARMUP declares first (not timed), then COUNT timed from the first to the last answer; every queue
 * is deleted afterwards (not timed). Works against any AMQP 0-9-1 broker, so a single node, a cluster node and
 * RabbitMQ are measured the same way. Bounded: a run gives up after 10 minutes.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.cluster.DeclareRate AMQP_URI [COUNT [WARMUP]]</pre>
 *
 * Prints one line: {@code declares/s RATE count COUNT seconds SECONDS}.
 */
public final class DeclareRate {
    private static final long LIMIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    private DeclareRate() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: DeclareRate AMQP_URI [COUNT (default 500) [WARMUP (default 20)]]");
            System.exit(2);
        }
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(args[0]);
        // a clustered declare can wait for a majority for a few seconds: do not take that for a dead connection
        f.setChannelRpcTimeout((int) TimeUnit.SECONDS.toMillis(30));
        String prefix = "declare-rate-" + Long.toHexString(System.nanoTime()) + "-";
        long deadline = System.nanoTime() + LIMIT_NANOS;
        try (Connection c = f.newConnection("declare-rate")) {
            Channel ch = c.createChannel();
            int declared = 0;
            try {
                for (; declared < warmup; declared++) {
                    ch.queueDeclare(prefix + declared, true, false, false, null);
                }
                long t0 = System.nanoTime();
                for (; declared < warmup + count && System.nanoTime() < deadline; declared++) {
                    ch.queueDeclare(prefix + declared, true, false, false, null);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                int timed = declared - warmup;
                System.out.printf("declares/s %.1f count %d seconds %.2f%n", timed / seconds, timed, seconds);
            } finally {
                for (int i = 0; i < declared && System.nanoTime() < deadline; i++) {
                    ch.queueDelete(prefix + i);
                }
            }
        }
    }
}
