package io.warren.examples;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Event log: order events go to the stream "order-events" (x-queue-type stream), where consuming takes nothing
 * away. A projection that joins late replays the whole history from the first offset, and a second one that
 * joins at the same time starts at "next" and sees only what is published after it.
 *
 * <p>Usage: {@code EventLogReplay [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment
 * variable, and without that it is amqp://guest:guest@localhost:5672.
 */
public final class EventLogReplay {
    private static final String STREAM = "order-events";
    private static final int HISTORY = 5;

    private EventLogReplay() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        try (Connection connection = factory.newConnection("warren-example-event-log")) {
            Channel producer = connection.createChannel();
            // a stream must be durable, and is never exclusive or auto-delete; a rerun starts from a fresh one
            producer.queueDelete(STREAM);
            producer.queueDeclare(STREAM, true, false, false, Map.of("x-queue-type", "stream"));
            producer.confirmSelect();
            for (int i = 1; i <= HISTORY; i++) {
                publish(producer, "order-" + i + " placed");
            }
            producer.waitForConfirmsOrDie(10_000); // confirmed: on disk, and readable by consumers

            List<String> replayed = new CopyOnWriteArrayList<>();
            CountDownLatch replayDone = new CountDownLatch(HISTORY + 1);
            subscribe(connection, "first", replayed, replayDone);
            List<String> live = new CopyOnWriteArrayList<>();
            CountDownLatch liveDone = new CountDownLatch(1);
            subscribe(connection, "next", live, liveDone); // consume-ok: it starts after the history

            publish(producer, "order-1 shipped");
            producer.waitForConfirmsOrDie(10_000);

            boolean ok = replayDone.await(30, TimeUnit.SECONDS) && liveDone.await(30, TimeUnit.SECONDS);
            System.out.println("[replay from first] " + replayed);
            System.out.println("[live from next]    " + live);
            ok = ok && replayed.size() == HISTORY + 1 && replayed.get(0).equals("0 order-1 placed")
                    && live.equals(List.of(HISTORY + " order-1 shipped"));
            Broker.report(ok, ok ? "the late projection replayed all " + (HISTORY + 1) + " events; the live one saw"
                    + " only the new one" : "replayed " + replayed + ", live " + live);
        }
    }

    private static void publish(Channel producer, String event) throws Exception {
        producer.basicPublish("", STREAM, MessageProperties.PERSISTENT_TEXT_PLAIN,
                event.getBytes(StandardCharsets.UTF_8));
        System.out.println("[producer] " + event);
    }

    /** A consumer from the given offset; each delivery carries its offset in the header x-stream-offset. */
    private static void subscribe(Connection connection, String offset, List<String> seen, CountDownLatch done)
            throws Exception {
        Channel channel = connection.createChannel();
        channel.basicQos(100); // streams need a prefetch: acks are credit, they delete nothing
        channel.basicConsume(STREAM, false, Map.of("x-stream-offset", offset), (tag, delivery) -> {
            Object at = delivery.getProperties().getHeaders().get("x-stream-offset");
            seen.add(at + " " + new String(delivery.getBody(), StandardCharsets.UTF_8));
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            done.countDown();
        }, tag -> { });
    }
}
