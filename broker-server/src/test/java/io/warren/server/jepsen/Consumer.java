package io.warren.server.jepsen;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One consuming client: a recovering connection that prefers one node, a manual-ack consumer on every queue, each
 * on its own channel. Every delivery is recorded before it is acked (an ack that never arrives means a redelivery,
 * a duplicate, never a loss). A consumer that is cancelled (its queue's home went away) or loses its channel or
 * connection is registered again by a supervising thread, every few hundred milliseconds until it succeeds.
 */
final class Consumer implements AutoCloseable {
    private static final long SUPERVISE_MS = 300;
    private static final int PREFETCH = 100;

    private final Clients clients;
    private final int node;
    private final List<String> queues;
    private final History history;
    private final Subscription[] subscriptions;
    private final Thread thread;
    private volatile boolean running = true;
    private Connection connection;

    Consumer(Clients clients, int node, List<String> queues, History history) {
        this.clients = clients;
        this.node = node;
        this.queues = queues;
        this.history = history;
        this.subscriptions = new Subscription[queues.size()];
        this.thread = new Thread(this::supervise, "jepsen-consumer-" + node);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void supervise() {
        while (running) {
            try {
                if (connection == null) {
                    connection = clients.connect(node, "jepsen-consumer-" + node);
                    ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
                        @Override
                        public void handleRecovery(Recoverable recoverable) {
                            // topology recovery is off: the recovered channels have no consumers any more
                            for (Subscription s : subscriptions) {
                                if (s != null) {
                                    s.active = false;
                                }
                            }
                        }

                        @Override
                        public void handleRecoveryStarted(Recoverable recoverable) {
                        }
                    });
                }
                for (int q = 0; q < queues.size(); q++) {
                    Subscription s = subscriptions[q];
                    if (connection.isOpen() && (s == null || !s.active || !s.channel.isOpen())) {
                        if (s != null) {
                            s.abort();
                        }
                        subscriptions[q] = subscribe(queues.get(q));
                    }
                }
            } catch (Exception e) {
                // the queue's home is down, the node is paused or restarting: try again shortly
            }
            try {
                Thread.sleep(SUPERVISE_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Subscription subscribe(String queue) throws Exception {
        Channel ch = connection.createChannel();
        Subscription s = new Subscription(ch);
        try {
            ch.basicQos(PREFETCH);
            ch.basicConsume(queue, false, s);
            return s;
        } catch (Exception e) {
            s.abort();
            throw e;
        }
    }

    /** A consumer on one channel; inactive once cancelled by the broker or shut down. */
    private final class Subscription extends DefaultConsumer {
        final Channel channel;
        volatile boolean active = true;

        Subscription(Channel channel) {
            super(channel);
            this.channel = channel;
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            history.delivered(Long.parseLong(new String(body, StandardCharsets.US_ASCII)));
            try {
                channel.basicAck(envelope.getDeliveryTag(), false);
            } catch (Exception e) {
                active = false;
            }
        }

        @Override
        public void handleCancel(String tag) {
            active = false;
        }

        @Override
        public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
            active = false;
        }

        void abort() {
            active = false;
            try {
                if (channel.isOpen()) {
                    channel.abort();
                }
            } catch (Exception e) {
                // already gone
            }
        }
    }

    /** Stops re-subscribing and closes the connection: unacked deliveries go back to their queues. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (connection != null) {
            connection.abort(5000);
        }
    }
}
