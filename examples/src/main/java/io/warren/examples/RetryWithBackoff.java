package io.warren.examples;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Retry with back-off: a worker that fails on a message publishes it again through a delayed-message exchange with
 * a growing x-delay (200, 400, 800 ms), counting attempts in a header. Once the retries are spent it rejects the
 * message, and the queue's dead-letter exchange parks it in a dead-letter queue with an x-death header.
 *
 * <p>Usage: {@code RetryWithBackoff [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment variable, and
 * without that it is amqp://guest:guest@localhost:5672.
 */
public final class RetryWithBackoff {
    private static final String WORK_QUEUE = "payments";
    private static final String RETRY_EXCHANGE = "payments.retry";
    private static final String DEAD_LETTER_EXCHANGE = "payments.dlx";
    private static final String DEAD_LETTER_QUEUE = "payments.dead";
    private static final String ATTEMPT_HEADER = "x-attempt";
    private static final int MAX_RETRIES = 3;
    private static final long BASE_DELAY_MS = 200;

    private RetryWithBackoff() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        try (Connection connection = factory.newConnection("warren-example-retry-with-backoff")) {
            Channel setup = connection.createChannel();
            declareTopology(setup);

            // payment 2 fails twice then succeeds; payment 4 always fails and ends up dead-lettered
            Map<String, Integer> failuresLeft = new ConcurrentHashMap<>(Map.of("payment-2", 2, "payment-4", 99));
            Map<String, List<Long>> attemptsAt = new ConcurrentHashMap<>();
            CountDownLatch settled = new CountDownLatch(5);
            startWorker(connection, failuresLeft, attemptsAt, settled);

            Channel producer = connection.createChannel();
            producer.confirmSelect();
            for (int i = 1; i <= 5; i++) {
                producer.basicPublish("", WORK_QUEUE, MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("payment-" + i).getBytes(StandardCharsets.UTF_8));
            }
            producer.waitForConfirmsOrDie(10_000);

            boolean done = settled.await(30, TimeUnit.SECONDS);
            GetResponse dead = awaitDeadLetter(setup);
            report(done, attemptsAt, dead);
        }
    }

    private static void declareTopology(Channel ch) throws Exception {
        ch.exchangeDeclare(DEAD_LETTER_EXCHANGE, "fanout", true);
        ch.queueDeclare(DEAD_LETTER_QUEUE, true, false, false, null);
        ch.queueBind(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE, "");
        ch.queueDeclare(WORK_QUEUE, true, false, false, Map.of("x-dead-letter-exchange", DEAD_LETTER_EXCHANGE));
        ch.exchangeDeclare(RETRY_EXCHANGE, "x-delayed-message", true, false, Map.of("x-delayed-type", "direct"));
        ch.queueBind(WORK_QUEUE, RETRY_EXCHANGE, WORK_QUEUE);
        // leftovers from an interrupted earlier run would skew the result
        ch.queuePurge(WORK_QUEUE);
        ch.queuePurge(DEAD_LETTER_QUEUE);
    }

    private static void startWorker(Connection connection, Map<String, Integer> failuresLeft,
                                    Map<String, List<Long>> attemptsAt, CountDownLatch settled) throws Exception {
        Channel ch = connection.createChannel();
        ch.basicQos(10);
        ch.confirmSelect();
        ch.basicConsume(WORK_QUEUE, false, (tag, delivery) -> {
            String payment = new String(delivery.getBody(), StandardCharsets.UTF_8);
            int attempt = attempt(delivery);
            attemptsAt.computeIfAbsent(payment, p -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
            long deliveryTag = delivery.getEnvelope().getDeliveryTag();
            if (failuresLeft.merge(payment, -1, Integer::sum) < 0) {
                System.out.println("[worker] " + payment + " done on attempt " + attempt);
                ch.basicAck(deliveryTag, false);
                settled.countDown();
            } else if (attempt <= MAX_RETRIES) {
                long delay = BASE_DELAY_MS << (attempt - 1);
                System.out.println("[worker] " + payment + " failed on attempt " + attempt + ", retrying in "
                        + delay + " ms");
                retryLater(ch, delivery, attempt + 1, delay);
                ch.basicAck(deliveryTag, false);
            } else {
                System.out.println("[worker] " + payment + " failed " + attempt + " times, dead-lettering it");
                ch.basicReject(deliveryTag, false);
                settled.countDown();
            }
        }, tag -> { });
    }

    private static int attempt(Delivery delivery) {
        Map<String, Object> headers = delivery.getProperties().getHeaders();
        Object n = headers == null ? null : headers.get(ATTEMPT_HEADER);
        return n instanceof Number number ? number.intValue() : 1;
    }

    /** The retry is confirmed before the original is acked, so a crash in between duplicates rather than loses. */
    private static void retryLater(Channel ch, Delivery delivery, int nextAttempt, long delayMs) throws
            java.io.IOException {
        Map<String, Object> headers = new HashMap<>();
        if (delivery.getProperties().getHeaders() != null) {
            headers.putAll(delivery.getProperties().getHeaders());
        }
        headers.put(ATTEMPT_HEADER, nextAttempt);
        headers.put("x-delay", delayMs);
        AMQP.BasicProperties props = delivery.getProperties().builder().headers(headers).build();
        ch.basicPublish(RETRY_EXCHANGE, WORK_QUEUE, props, delivery.getBody());
        try {
            ch.waitForConfirmsOrDie(10_000);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new java.io.IOException("retry not confirmed", e);
        }
    }

    private static GetResponse awaitDeadLetter(Channel ch) throws Exception {
        long until = System.currentTimeMillis() + 10_000;
        GetResponse r;
        while ((r = ch.basicGet(DEAD_LETTER_QUEUE, true)) == null && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        return r;
    }

    private static void report(boolean done, Map<String, List<Long>> attemptsAt, GetResponse dead) {
        attemptsAt.forEach((payment, times) -> System.out.println(payment + ": " + times.size() + " attempts, gaps "
                + gaps(times) + " ms"));
        List<Long> retried = gaps(attemptsAt.getOrDefault("payment-2", List.of()));
        boolean backedOff = retried.size() == 2 && retried.get(0) >= BASE_DELAY_MS
                && retried.get(1) >= 2 * BASE_DELAY_MS;
        boolean poisonParked = dead != null && "payment-4".equals(new String(dead.getBody(), StandardCharsets.UTF_8))
                && attemptsAt.getOrDefault("payment-4", List.of()).size() == MAX_RETRIES + 1
                && dead.getProps().getHeaders().get("x-death") != null;
        if (dead != null) {
            System.out.println("dead-lettered: payment-4 with x-death " + dead.getProps().getHeaders().get("x-death"));
        }
        Broker.report(done && backedOff && poisonParked, done && backedOff && poisonParked
                ? "payment-2 succeeded after retries " + retried + " ms apart; payment-4 parked in "
                        + DEAD_LETTER_QUEUE + " after " + (MAX_RETRIES + 1) + " attempts"
                : "settled=" + done + " backedOff=" + backedOff + " poisonParked=" + poisonParked);
    }

    private static List<Long> gaps(List<Long> times) {
        List<Long> out = new java.util.ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            out.add(times.get(i) - times.get(i - 1));
        }
        return out;
    }
}
