package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A consumer that collects what the broker delivers, for tests to take in order. */
public class Deliveries extends DefaultConsumer {
    /** One basic.deliver with its content. */
    public record Delivery(Envelope envelope, AMQP.BasicProperties properties, byte[] body, String consumerTag) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public long tag() {
            return envelope.getDeliveryTag();
        }

        public boolean redelivered() {
            return envelope.isRedeliver();
        }
    }

    private final BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    public final CountDownLatch cancelledByServer = new CountDownLatch(1);
    public final CountDownLatch cancelOk = new CountDownLatch(1);

    public Deliveries(Channel channel) {
        super(channel);
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        received.add(new Delivery(envelope, properties, body, consumerTag));
    }

    @Override
    public void handleCancel(String consumerTag) {
        cancelledByServer.countDown();
    }

    @Override
    public void handleCancelOk(String consumerTag) {
        cancelOk.countDown();
    }

    /** The next delivery; fails after a generous wait. */
    public Delivery next() throws InterruptedException {
        Delivery d = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(d, "no delivery arrived");
        return d;
    }

    /** The next n deliveries. */
    public List<Delivery> next(int n) throws InterruptedException {
        List<Delivery> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(next());
        }
        return out;
    }

    /** The next n bodies, as text. */
    public List<String> texts(int n) throws InterruptedException {
        List<String> out = new ArrayList<>(n);
        for (Delivery d : next(n)) {
            out.add(d.text());
        }
        return out;
    }

    /** What has arrived and not been taken yet, without waiting. */
    public int pending() {
        return received.size();
    }

    /** A delivery if one arrives within the wait, else null (for asserting that nothing more comes). */
    public Delivery poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }
}
