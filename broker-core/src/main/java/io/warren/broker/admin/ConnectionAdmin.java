package io.warren.broker.admin;

import io.warren.broker.Broker;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.queue.QueueConsumer;
import io.warren.broker.stats.ChannelCounters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Open connections and their channels and consumers, and closing a connection. */
public final class ConnectionAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmin.class);
    private static final long SNAPSHOT_WAIT_SECONDS = 5;

    private final Broker broker;

    ConnectionAdmin(Broker broker) {
        this.broker = broker;
    }

    /**
     * Every connection that has finished its handshake. Each is read on its own thread (its channels belong to
     * that thread); a connection that does not answer in time is left out of this listing.
     */
    public List<ConnectionView> connections() {
        List<CompletableFuture<ConnectionView>> pending = new ArrayList<>();
        for (AmqpConnection c : broker.connections()) {
            CompletableFuture<ConnectionView> f = new CompletableFuture<>();
            try {
                c.executor().execute(() -> {
                    try {
                        f.complete(snapshot(c));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
            } catch (RuntimeException e) {
                continue; // its loop is shutting down
            }
            pending.add(f);
        }
        List<ConnectionView> out = new ArrayList<>();
        for (CompletableFuture<ConnectionView> f : pending) {
            try {
                ConnectionView v = f.get(SNAPSHOT_WAIT_SECONDS, TimeUnit.SECONDS);
                if (v != null) {
                    out.add(v);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("no snapshot of a connection: {}", e.toString());
            }
        }
        out.sort(Comparator.comparingLong(ConnectionView::id));
        return out;
    }

    /**
     * The consumers of this node's connections, as of {@link #connections()}: of one queue (vhost and queue given),
     * of one vhost (queue null) or all (both null), each with this node's name and its client's address.
     */
    public List<NodeConsumerView> consumers(String node, String vhost, String queue) {
        List<NodeConsumerView> out = new ArrayList<>();
        for (ConnectionView c : connections()) {
            for (ChannelView ch : c.channels()) {
                for (ConsumerView cv : ch.consumers()) {
                    if ((vhost == null || cv.vhost().equals(vhost)) && (queue == null || cv.queue().equals(queue))) {
                        out.add(new NodeConsumerView(node, c.peerHost(), c.peerPort(), cv));
                    }
                }
            }
        }
        return out;
    }

    /**
     * How many connections (handshake done) and channels are open, read without visiting any connection's thread:
     * counts racing a connection's own changes may be a moment old, which a metric allows.
     */
    public ConnectionCountsView counts() {
        int connections = 0;
        int channels = 0;
        for (AmqpConnection c : broker.connections()) {
            if (c.user() != null && c.vhost() != null) {
                connections++;
                channels += c.channelCount();
            }
        }
        return new ConnectionCountsView(connections, channels);
    }

    private static ConnectionView snapshot(AmqpConnection c) {
        if (c.user() == null || c.vhost() == null) {
            return null; // still in its handshake
        }
        String name = c.name();
        String user = c.user().name();
        String vhost = c.vhost().name();
        List<ChannelView> channels = new ArrayList<>();
        for (AmqpChannel ch : c.channelsOnLoop()) {
            List<ConsumerView> consumers = new ArrayList<>();
            for (QueueConsumer qc : ch.consumersOnLoop()) {
                consumers.add(new ConsumerView(vhost, qc.queue().name(), qc.tag(), !qc.noAck(), qc.exclusive(),
                        ch.prefetchCount(), qc.arguments(), name, ch.number(), user, !qc.isSingleActiveWaiting(),
                        qc.activityStatus(), qc.queue().streamConsumerStatus(qc)));
            }
            ChannelCounters t = ch.counters();
            MessageTotalsView totals = new MessageTotalsView(t.get(ChannelCounters.PUBLISHED),
                    t.get(ChannelCounters.CONFIRMED), t.get(ChannelCounters.RETURNED),
                    t.get(ChannelCounters.DELIVERED), t.get(ChannelCounters.DELIVERED_NO_ACK),
                    t.get(ChannelCounters.GOT), t.get(ChannelCounters.GOT_NO_ACK), t.get(ChannelCounters.ACKED),
                    t.get(ChannelCounters.REDELIVERED), t.get(ChannelCounters.REJECTED), 0);
            channels.add(new ChannelView(name, ch.number(), user, vhost, ch.unackedCount(), ch.prefetchCount(), 0,
                    ch.confirmMode(), ch.transactional(), consumers, totals));
        }
        String[] peer = hostPort(c.remoteAddress());
        String[] local = hostPort(c.localAddress());
        return new ConnectionView(c.id(), name, user, vhost, peer[0], Integer.parseInt(peer[1]), local[0],
                Integer.parseInt(local[1]), c.connectedAt(), c.clientProperties(), c.frameMax(), c.channelMax(),
                c.heartbeat(), c.isInFlow(), channels, c.security());
    }

    private static String[] hostPort(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return new String[] {address, "0"};
        }
        return new String[] {address.substring(0, colon), address.substring(colon + 1)};
    }

    /** Closes the named connection (connection.close with CONNECTION_FORCED); false if there is none. */
    public boolean close(String name) {
        return close(name, null);
    }

    /** Closes the named connection, giving the client this reason (null: the default one); false if none. */
    public boolean close(String name, String reason) {
        for (AmqpConnection c : broker.connections()) {
            if (c.name().equals(name)) {
                if (reason == null || reason.isBlank()) {
                    c.forceClose();
                } else {
                    c.forceClose(reason);
                }
                return true;
            }
        }
        return false;
    }
}
