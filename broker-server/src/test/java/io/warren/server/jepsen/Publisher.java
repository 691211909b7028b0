package io.warren.server.jepsen;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One publishing client: on its own thread, over a recovering connection that prefers one node, it publishes
 * persistent messages with unique ids (shared counter) to the queues in turn, one at a time, each waiting for its
 * confirm, and records every attempt and its answer: confirmed, nacked, or unknown (no answer within the timeout,
 * or the channel or connection lost meanwhile; that channel is then dropped).
 */
final class Publisher implements AutoCloseable {
    private static final long NACK_BACKOFF_MS = 50;
    private static final long RETRY_MS = 200;

    private final Clients clients;
    private final int node;
    private final List<String> queues;
    private final AtomicLong ids;
    private final History history;
    private final long confirmTimeoutMs;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection connection;
    private Channel channel;

    Publisher(Clients clients, int node, List<String> queues, AtomicLong ids, History history, long confirmTimeoutMs) {
        this.clients = clients;
        this.node = node;
        this.queues = queues;
        this.ids = ids;
        this.history = history;
        this.confirmTimeoutMs = confirmTimeoutMs;
        this.thread = new Thread(this::loop, "jepsen-publisher-" + node);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        while (running) {
            Channel ch = channel();
            if (ch == null) {
                pause(RETRY_MS);
                continue;
            }
            long id = ids.getAndIncrement();
            int q = (int) (id % queues.size());
            history.attempt(id, q);
            long sent = System.nanoTime();
            History.Outcome outcome;
            try {
                ch.basicPublish("", queues.get(q), MessageProperties.PERSISTENT_BASIC,
                        Long.toString(id).getBytes(StandardCharsets.US_ASCII));
                outcome = ch.waitForConfirms(confirmTimeoutMs) ? History.Outcome.CONFIRMED : History.Outcome.NACKED;
            } catch (InterruptedException e) {
                history.answer(new History.Publish(id, q, sent, System.nanoTime(), History.Outcome.UNKNOWN));
                return;
            } catch (Exception e) {
                // a timeout, or the channel or connection closed under the publish: its fate is unknown
                outcome = History.Outcome.UNKNOWN;
                drop(ch);
            }
            history.answer(new History.Publish(id, q, sent, System.nanoTime(), outcome));
            if (outcome == History.Outcome.NACKED) {
                pause(NACK_BACKOFF_MS);
            }
        }
    }

    private Channel channel() {
        try {
            if (connection == null) {
                connection = clients.connect(node, "jepsen-publisher-" + node);
            }
            if (channel == null || !channel.isOpen()) {
                if (!connection.isOpen()) {
                    return null; // recovering
                }
                channel = connection.createChannel();
                channel.confirmSelect();
            }
            return channel;
        } catch (Exception e) {
            channel = null;
            return null;
        }
    }

    private void drop(Channel ch) {
        channel = null;
        try {
            if (ch.isOpen()) {
                ch.abort();
            }
        } catch (Exception e) {
            // already gone
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    /** Stops publishing (the publish in flight gets its answer or times out first), then closes the connection. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        if (connection != null) {
            connection.abort(5000);
        }
    }
}
