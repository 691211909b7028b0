package io.warren.examples;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * RPC over direct reply-to: a server answers fib(n) requests from "rpc_queue"; the client sends
 * requests with replyTo=amq.rabbitmq.reply-to and matches replies by correlation id.
 *
 * <p>Usage: {@code RpcWithDirectReplyTo [AMQP-URI]}; without the argument the URI comes from the AMQP_URL environment variable, and
 * without that it is amqp://guest:guest@localhost:5672.
 */
public final class RpcWithDirectReplyTo {
    private static final String REQUEST_QUEUE = "rpc_queue";
    private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";
    private static final int[] REQUESTS = {0, 1, 10, 30, 50, 90};

    private RpcWithDirectReplyTo() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        try (Connection serverConnection = factory.newConnection("warren-example-rpc-server");
             Connection clientConnection = factory.newConnection("warren-example-rpc-client")) {
            startServer(serverConnection);

            Channel client = clientConnection.createChannel();
            Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
            // Direct reply-to requires consuming the pseudo-queue in no-ack mode before publishing.
            client.basicConsume(DIRECT_REPLY_TO, true, (consumerTag, delivery) -> {
                CompletableFuture<String> reply = pending.remove(delivery.getProperties().getCorrelationId());
                if (reply != null) {
                    reply.complete(new String(delivery.getBody(), StandardCharsets.UTF_8));
                }
            }, consumerTag -> { });

            Map<Integer, CompletableFuture<String>> replies = new LinkedHashMap<>();
            for (int n : REQUESTS) {
                String correlationId = UUID.randomUUID().toString();
                CompletableFuture<String> reply = new CompletableFuture<>();
                pending.put(correlationId, reply);
                replies.put(n, reply);
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .correlationId(correlationId)
                        .replyTo(DIRECT_REPLY_TO)
                        .build();
                client.basicPublish("", REQUEST_QUEUE, properties, Integer.toString(n).getBytes(StandardCharsets.UTF_8));
                System.out.println("[client] requested fib(" + n + ")");
            }

            boolean allCorrect = true;
            for (Map.Entry<Integer, CompletableFuture<String>> entry : replies.entrySet()) {
                String answer = entry.getValue().get(10, TimeUnit.SECONDS);
                boolean correct = answer.equals(Long.toString(fib(entry.getKey())));
                allCorrect &= correct;
                System.out.println("[client] fib(" + entry.getKey() + ") = " + answer + (correct ? "" : "  <-- wrong"));
            }
            Broker.report(allCorrect, allCorrect
                    ? "all " + REQUESTS.length + " replies arrived and were correct"
                    : "some replies were wrong");
        }
    }

    private static void startServer(Connection connection) throws Exception {
        Channel server = connection.createChannel();
        server.queueDeclare(REQUEST_QUEUE, false, false, false, null);
        // Requests left by an earlier, interrupted run would be answered to a reply-to nobody holds.
        server.queuePurge(REQUEST_QUEUE);
        server.basicQos(1);
        server.basicConsume(REQUEST_QUEUE, false, (consumerTag, delivery) -> {
            AMQP.BasicProperties request = delivery.getProperties();
            int n = Integer.parseInt(new String(delivery.getBody(), StandardCharsets.UTF_8));
            System.out.println("[server] computing fib(" + n + ")");
            AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
                    .correlationId(request.getCorrelationId())
                    .build();
            server.basicPublish("", request.getReplyTo(), reply, Long.toString(fib(n)).getBytes(StandardCharsets.UTF_8));
            server.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        }, consumerTag -> { });
    }

    /** Iterative, so large n answers at once; fits a long up to n = 92. */
    static long fib(int n) {
        long previous = 0;
        long current = 1;
        for (int i = 0; i < n; i++) {
            long next = previous + current;
            previous = current;
            current = next;
        }
        return previous;
    }
}
