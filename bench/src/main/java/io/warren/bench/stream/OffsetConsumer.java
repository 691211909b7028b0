package io.warren.bench.stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * A stream consumer that checks the x-stream-offset of each delivery is the one after the last (so every offset
 * comes exactly once and in order), acks several at once, notes each message's latency from its stamp, and
 * counts down once it has received a target number (it keeps counting after).
 */
final class OffsetConsumer extends DefaultConsumer {
    private final int ackEvery;
    private final long target;
    private final CountDownLatch reachedTarget = new CountDownLatch(1);
    private final boolean keepLatencies;
    private volatile long received;
    private volatile long firstOffset = -1;
    private volatile long outOfOrder;
    private volatile String firstProblem;
    private volatile long firstDeliveryNanos;
    private volatile long targetNanos;
    private volatile String shutdown;
    private long expected = -1;
    private long unacked;
    private long[] latencies = new long[1 << 16];
    private int latencyCount;

    OffsetConsumer(Channel channel, int ackEvery, long target, boolean keepLatencies) {
        super(channel);
        this.ackEvery = ackEvery;
        this.target = target;
        this.keepLatencies = keepLatencies;
    }

    @Override
    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
            throws IOException {
        long now = System.nanoTime();
        Object header = props.getHeaders() == null ? null : props.getHeaders().get("x-stream-offset");
        if (!(header instanceof Number)) {
            problem("delivery " + envelope.getDeliveryTag() + " has no numeric x-stream-offset header: " + header);
        } else {
            long offset = ((Number) header).longValue();
            if (expected < 0) {
                firstOffset = offset;
                firstDeliveryNanos = now;
            } else if (offset != expected) {
                problem("offset " + offset + " where " + expected + " was expected");
            }
            expected = offset + 1;
        }
        if (keepLatencies) {
            addLatency(now - Stamp.sentNanos(body));
        }
        long n = received + 1;
        received = n;
        if (++unacked >= ackEvery || n == target) {
            getChannel().basicAck(envelope.getDeliveryTag(), true);
            unacked = 0;
        }
        if (n == target) {
            targetNanos = now;
            reachedTarget.countDown();
        }
    }

    private synchronized void addLatency(long nanos) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
        }
        latencies[latencyCount++] = nanos;
    }

    private void problem(String what) {
        outOfOrder++;
        if (firstProblem == null) {
            firstProblem = what;
        }
    }

    @Override
    public void handleShutdownSignal(String tag, ShutdownSignalException sig) {
        shutdown = sig.getMessage();
        reachedTarget.countDown();
    }

    @Override
    public void handleCancel(String tag) {
        shutdown = "cancelled by the broker";
        reachedTarget.countDown();
    }

    CountDownLatch reachedTarget() {
        return reachedTarget;
    }

    long received() {
        return received;
    }

    long firstOffset() {
        return firstOffset;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    String firstProblem() {
        return firstProblem;
    }

    long firstDeliveryNanos() {
        return firstDeliveryNanos;
    }

    long targetNanos() {
        return targetNanos;
    }

    /** Why the consumer stopped receiving (channel closed, cancelled), or null. */
    String shutdown() {
        return shutdown;
    }

    /** Latencies in ns, sorted; read once the consumer is cancelled. */
    synchronized long[] sortedLatencies() {
        long[] l = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(l);
        return l;
    }
}
