package io.warren.bench.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Gives a benchmark a fresh, empty durable queue on the node it connects to: deletes NAME if it exists, then
 * declares it durable, not exclusive, not auto-delete, without arguments (what PerfTest declares for
 * {@code -f persistent -ad false}). On a Warren cluster node or a RabbitMQ node with the default
 * {@code client-local} locator the queue's home is that node, so a client connected elsewhere reaches it through a hop.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.cluster.BenchQueue AMQP_URI NAME</pre>
 */
public final class BenchQueue {
    private BenchQueue() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BenchQueue AMQP_URI NAME");
            System.exit(2);
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(args[0]);
        f.setChannelRpcTimeout(30_000);
        try (Connection c = f.newConnection("bench-queue")) {
            Channel ch = c.createChannel();
            ch.queueDelete(args[1]);
            ch.queueDeclare(args[1], true, false, false, null);
        }
    }
}
