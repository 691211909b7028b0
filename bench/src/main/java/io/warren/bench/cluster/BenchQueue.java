package io.warren.bench.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Gives a benchmark a fresh, empty durable queue on the node it connects to: deletes NAME if it exists, then
 * declares it durable, not exclusive, not auto-delete, without arguments (what PerfTest declares for
 * {@code -f persistent -ad false}). On a Warren cluster node or a RabbitMQ node with the default
 * {@code client-local} locator the queue's home is that node, so a client connected elsewhere reaches it through a hop.
 * With TYPE {@code quorum} the queue is a quorum queue (what PerfTest declares for {@code --quorum-queue}); with
 * client-local its leader is on that node (Warren: in a shard that node prefers to lead).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.cluster.BenchQueue AMQP_URI NAME [classic|quorum]</pre>
 */
public final class BenchQueue {
    private BenchQueue() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].matches("classic|quorum"))) {
            System.err.println("usage: BenchQueue AMQP_URI NAME [classic|quorum]");
            System.exit(2);
        }
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(args[0]);
        f.setChannelRpcTimeout(30_000);
        java.util.Map<String, Object> arguments = args.length == 3 && args[2].equals("quorum")
                ? java.util.Map.of("x-queue-type", "quorum") : null;
        // a cluster that has just started refuses quorum queues until it has formed its shards: try for a minute
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Connection c = f.newConnection("bench-queue")) {
                Channel ch = c.createChannel();
                ch.queueDelete(args[1]);
                ch.queueDeclare(args[1], true, false, false, arguments);
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }
}
