package io.warren.examples;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Work queue: a producer publishes persistent tasks to the durable queue "tasks"; two workers
 * with prefetch 1 and manual acks share them, the slower tasks spreading the load.
 *
 * <p>Usage: {@code WorkQueue [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment variable, and
 * without that it is amqp://guest:guest@localhost:5672.
 */
public final class WorkQueue {
    private static final String QUEUE = "tasks";
    private static final int TASKS = 10;

    private WorkQueue() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        try (Connection connection = factory.newConnection("warren-example-work-queue")) {
            Channel producer = connection.createChannel();
            producer.queueDeclare(QUEUE, true, false, false, null);
            // Leftovers from an interrupted earlier run would skew the count.
            producer.queuePurge(QUEUE);

            CountDownLatch acked = new CountDownLatch(TASKS);
            Map<String, List<String>> doneBy = new ConcurrentHashMap<>();
            for (String worker : List.of("worker-1", "worker-2")) {
                startWorker(connection, worker, doneBy, acked);
            }

            for (int i = 1; i <= TASKS; i++) {
                String task = "task-" + i + ".".repeat(i % 3 + 1);
                producer.basicPublish("", QUEUE, MessageProperties.PERSISTENT_TEXT_PLAIN, task.getBytes(StandardCharsets.UTF_8));
                System.out.println("[producer] sent " + task);
            }

            boolean allAcked = acked.await(30, TimeUnit.SECONDS);
            doneBy.forEach((worker, tasks) -> System.out.println(worker + " did " + tasks.size() + ": " + tasks));
            Broker.report(allAcked, allAcked
                    ? "all " + TASKS + " tasks processed and acked"
                    : (TASKS - acked.getCount()) + " of " + TASKS + " tasks acked within 30 s");
        }
    }

    /** A worker on its own channel, so prefetch 1 holds it to one unacked task at a time. */
    private static void startWorker(Connection connection, String worker, Map<String, List<String>> doneBy,
                                    CountDownLatch acked) throws Exception {
        Channel channel = connection.createChannel();
        channel.basicQos(1);
        channel.basicConsume(QUEUE, false, worker, (consumerTag, delivery) -> {
            String task = new String(delivery.getBody(), StandardCharsets.UTF_8);
            System.out.println("[" + worker + "] working on " + task);
            pretendToWork(task);
            channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            doneBy.computeIfAbsent(worker, w -> new CopyOnWriteArrayList<>()).add(task);
            acked.countDown();
        }, consumerTag -> { });
    }

    /** Each dot in a task is 100 ms of work, as in the classic tutorial. */
    private static void pretendToWork(String task) {
        long dots = task.chars().filter(c -> c == '.').count();
        try {
            Thread.sleep(dots * 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
