package io.warren.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's example: publish one persistent message with a confirm, then consume it, ack it, and only then close.
 * The lines between the README markers are the README's Java block, word for word (ReadmeTest checks).
 *
 * <p>Usage: {@code HelloWorld [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment variable,
 * and without that it is amqp://guest:guest@localhost:5672.
 */
public final class HelloWorld {
    private HelloWorld() {
    }

    public static void main(String[] args) throws Exception {
        // README:begin
        ConnectionFactory factory = new ConnectionFactory();   // com.rabbitmq:amqp-client
        factory.setUri(args.length > 0 ? args[0]
                : System.getenv().getOrDefault("AMQP_URL", "amqp://guest:guest@localhost:5672"));
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare("hello", true, false, false, null);
            channel.confirmSelect();
            channel.basicPublish("", "hello", MessageProperties.PERSISTENT_TEXT_PLAIN, "hello".getBytes(UTF_8));
            channel.waitForConfirmsOrDie(5_000);           // the broker has fsynced it

            CountDownLatch received = new CountDownLatch(1);
            channel.basicConsume("hello", false, (tag, delivery) -> {
                System.out.println("received " + new String(delivery.getBody(), UTF_8));
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                received.countDown();
            }, tag -> { });
            // deliveries arrive on the client's own threads: wait for one before closing the connection
            if (!received.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("FAILED: nothing received within 10 s");
            }
        }
        // README:end
        System.out.println("OK: published, confirmed, received and acked a message");
    }
}
