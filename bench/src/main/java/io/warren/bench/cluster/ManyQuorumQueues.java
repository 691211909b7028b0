package io.warren.bench.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gives a cluster COUNT quorum queues, declared round-robin through the given nodes (so that, with the client-local
 * locator, their leaders spread over them), and one persistent message in each, published with confirms. Prints
 * the declare and publish rates. The cluster must have formed its shards (BenchQueue waits for that).
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.cluster.ManyQuorumQueues URI[,URI...] COUNT PREFIX</pre>
 */
public final class ManyQuorumQueues {
    private ManyQuorumQueues() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ManyQuorumQueues URI[,URI...] COUNT PREFIX");
            System.exit(2);
        }
        String[] uris = args[0].split(",");
        int count = Integer.parseInt(args[1]);
        List<Connection> connections = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (String uri : uris) {
                ConnectionFactory f = new ConnectionFactory();
                f.setUri(uri);
                f.setChannelRpcTimeout(60_000);
                Connection c = f.newConnection("many-quorum-queues");
                connections.add(c);
                channels.add(c.createChannel());
            }
            Map<String, Object> quorum = Map.of("x-queue-type", "quorum");
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Channel ch = channels.get(i % channels.size());
                String name = args[2] + "-" + i;
                ch.queueDeclare(name, true, false, false, quorum);
            }
            long t1 = System.nanoTime();
            System.out.printf("declared %d quorum queues in %.1f s: %.0f declares/s%n", count, (t1 - t0) / 1e9,
                    count / ((t1 - t0) / 1e9));
            for (Channel ch : channels) {
                ch.confirmSelect();
            }
            byte[] body = "one message per queue".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < count; i++) {
                channels.get(i % channels.size()).basicPublish("", args[2] + "-" + i,
                        com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC, body);
            }
            for (Channel ch : channels) {
                ch.waitForConfirmsOrDie(120_000);
            }
            long t2 = System.nanoTime();
            System.out.printf("published and confirmed %d messages (one per queue) in %.1f s%n", count,
                    (t2 - t1) / 1e9);
        } finally {
            for (Connection c : connections) {
                c.abort();
            }
        }
    }
}
