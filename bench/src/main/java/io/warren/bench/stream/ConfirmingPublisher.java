package io.warren.bench.stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One publishing connection with one channel in confirm mode: publishes up to a count of messages to the stream,
 * keeping at most a window unconfirmed, unpaced or at a given rate, until the count is reached or it is stopped.
 */
final class ConfirmingPublisher implements Runnable {
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    private final ConnectionFactory factory;
    private final String queue;
    private final long count;
    private final int size;
    private final int window;
    private final int ratePerSecond; // 0: as fast as confirms allow
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private volatile boolean stopped;
    private volatile Exception failure;
    private volatile long lastConfirmNanos;
    // send times by sequence number (1-based, as the broker's delivery tags), a ring larger than the window
    private final long[] sentAt;
    private final boolean keepLatencies;
    private long[] confirmLatencies = new long[1 << 12];
    private int latencyCount;

    ConfirmingPublisher(ConnectionFactory factory, String queue, long count, int size, int window, int ratePerSecond,
                        boolean keepLatencies) {
        this.factory = factory;
        this.queue = queue;
        this.count = count;
        this.size = size;
        this.window = window;
        this.ratePerSecond = ratePerSecond;
        this.keepLatencies = keepLatencies;
        this.sentAt = keepLatencies ? new long[window + 1] : null;
    }

    @Override
    public void run() {
        try (Connection c = factory.newConnection("stream-replay publisher")) {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            Semaphore unconfirmed = new Semaphore(window);
            AtomicLong highest = new AtomicLong();
            ch.addConfirmListener((seq, multiple) -> settle(unconfirmed, highest, seq, multiple, false),
                    (seq, multiple) -> settle(unconfirmed, highest, seq, multiple, true));
            byte[] body = new byte[size];
            long start = System.nanoTime();
            for (long n = 0; n < count && !stopped; n++) {
                if (ratePerSecond > 0) {
                    long due = start + n * 1_000_000_000L / ratePerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                while (!unconfirmed.tryAcquire(1, TimeUnit.SECONDS)) {
                    if (!c.isOpen()) {
                        throw new IllegalStateException("the connection closed: " + c.getCloseReason());
                    }
                }
                Stamp.write(body, n);
                if (keepLatencies) {
                    sentAt[(int) ((n + 1) % sentAt.length)] = System.nanoTime();
                }
                ch.basicPublish("", queue, PERSISTENT, body);
                sent.incrementAndGet();
            }
            ch.waitForConfirmsOrDie(120_000);
        } catch (Exception e) {
            failure = e;
        }
    }

    // the broker confirms in order; a multiple confirm covers everything up to seq
    private void settle(Semaphore unconfirmed, AtomicLong highest, long seq, boolean multiple, boolean nack) {
        long before = highest.getAndAccumulate(seq, Math::max);
        int n = multiple ? (int) Math.max(0, seq - before) : 1;
        if (keepLatencies) {
            long now = System.nanoTime();
            for (long s = seq - n + 1; s <= seq; s++) {
                addLatency(now - sentAt[(int) (s % sentAt.length)]);
            }
        }
        (nack ? nacked : confirmed).addAndGet(n);
        lastConfirmNanos = System.nanoTime();
        unconfirmed.release(n);
    }

    private synchronized void addLatency(long nanos) {
        if (latencyCount == confirmLatencies.length) {
            confirmLatencies = Arrays.copyOf(confirmLatencies, latencyCount * 2);
        }
        confirmLatencies[latencyCount++] = nanos;
    }

    /** From send to confirm, in ns, sorted (when kept). */
    synchronized long[] sortedConfirmLatencies() {
        long[] l = Arrays.copyOf(confirmLatencies, latencyCount);
        Arrays.sort(l);
        return l;
    }

    /** Stops publishing; run() returns once what was sent is confirmed. */
    void stop() {
        stopped = true;
    }

    long sent() {
        return sent.get();
    }

    long confirmed() {
        return confirmed.get();
    }

    long nacked() {
        return nacked.get();
    }

    long lastConfirmNanos() {
        return lastConfirmNanos;
    }

    /** Why it stopped early, or null. */
    Exception failure() {
        return failure;
    }
}
