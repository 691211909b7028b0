package io.warren.examples;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Publish/subscribe: two subscribers bind server-named exclusive queues to the fanout exchange
 * "logs", and each receives every message published there.
 *
 * <p>Usage: {@code PubSubFanout [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment variable, and
 * without that it is amqp://guest:guest@localhost:5672.
 */
public final class PubSubFanout {
    private static final String EXCHANGE = "logs";
    private static final List<String> SUBSCRIBERS = List.of("subscriber-1", "subscriber-2");
    private static final List<String> MESSAGES = List.of("info: service started", "warning: disk 80% full", "error: disk full");

    private PubSubFanout() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        try (Connection connection = factory.newConnection("warren-example-pubsub")) {
            Channel publisher = connection.createChannel();
            publisher.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT);

            CountDownLatch received = new CountDownLatch(SUBSCRIBERS.size() * MESSAGES.size());
            Map<String, List<String>> got = new ConcurrentHashMap<>();
            for (String subscriber : SUBSCRIBERS) {
                Channel channel = connection.createChannel();
                String queue = channel.queueDeclare().getQueue();
                channel.queueBind(queue, EXCHANGE, "");
                System.out.println("[" + subscriber + "] listening on " + queue);
                channel.basicConsume(queue, true, (consumerTag, delivery) -> {
                    String message = new String(delivery.getBody(), StandardCharsets.UTF_8);
                    System.out.println("[" + subscriber + "] got '" + message + "'");
                    got.computeIfAbsent(subscriber, s -> new CopyOnWriteArrayList<>()).add(message);
                    received.countDown();
                }, consumerTag -> { });
            }

            for (String message : MESSAGES) {
                // The routing key is ignored by a fanout exchange.
                publisher.basicPublish(EXCHANGE, "", null, message.getBytes(StandardCharsets.UTF_8));
                System.out.println("[publisher] sent '" + message + "'");
            }

            received.await(10, TimeUnit.SECONDS);
            boolean everyoneGotEverything = SUBSCRIBERS.stream()
                    .allMatch(s -> got.getOrDefault(s, List.of()).containsAll(MESSAGES));
            Broker.report(everyoneGotEverything, everyoneGotEverything
                    ? "both subscribers received all " + MESSAGES.size() + " messages"
                    : "deliveries were " + got);
        }
    }
}
