package io.warren.examples;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Topic routing: subscribers bound to "topic_logs" with "kern.*", "*.critical" and "#" receive
 * the routing keys their patterns match; the program checks each got exactly what it should.
 *
 * <p>Usage: {@code TopicRouting [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment variable, and
 * without that it is amqp://guest:guest@localhost:5672.
 */
public final class TopicRouting {
    private static final String EXCHANGE = "topic_logs";
    private static final List<String> KEYS = List.of("kern.info", "kern.critical", "auth.critical", "cron.warning", "kern.disk.full");
    private static final Map<String, Set<String>> EXPECTED = expected();

    private TopicRouting() {
    }

    private static Map<String, Set<String>> expected() {
        Map<String, Set<String>> expected = new LinkedHashMap<>();
        expected.put("kern.*", new TreeSet<>(List.of("kern.info", "kern.critical")));
        expected.put("*.critical", new TreeSet<>(List.of("kern.critical", "auth.critical")));
        expected.put("#", new TreeSet<>(KEYS));
        return expected;
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        try (Connection connection = factory.newConnection("warren-example-topic")) {
            Channel publisher = connection.createChannel();
            publisher.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC);

            int deliveries = EXPECTED.values().stream().mapToInt(Set::size).sum();
            CountDownLatch received = new CountDownLatch(deliveries);
            Map<String, Set<String>> got = new ConcurrentHashMap<>();
            for (String pattern : EXPECTED.keySet()) {
                Channel channel = connection.createChannel();
                String queue = channel.queueDeclare().getQueue();
                channel.queueBind(queue, EXCHANGE, pattern);
                got.put(pattern, ConcurrentHashMap.newKeySet());
                channel.basicConsume(queue, true, (consumerTag, delivery) -> {
                    String key = delivery.getEnvelope().getRoutingKey();
                    System.out.printf("[%-10s] got %s%n", pattern, key);
                    got.get(pattern).add(key);
                    received.countDown();
                }, consumerTag -> { });
            }

            for (String key : KEYS) {
                publisher.basicPublish(EXCHANGE, key, null, ("message for " + key).getBytes());
                System.out.println("[publisher] sent " + key);
            }

            received.await(10, TimeUnit.SECONDS);
            // Late extra deliveries would also be wrong, so give strays a moment to show up.
            Thread.sleep(200);
            boolean exact = true;
            for (Map.Entry<String, Set<String>> entry : EXPECTED.entrySet()) {
                Set<String> actual = new TreeSet<>(got.get(entry.getKey()));
                System.out.printf("%-10s -> %s%n", entry.getKey(), actual);
                exact &= actual.equals(entry.getValue());
            }
            Broker.report(exact, exact
                    ? "every subscriber got exactly the keys its pattern matches"
                    : "expected " + EXPECTED + " but got " + got);
        }
    }
}
