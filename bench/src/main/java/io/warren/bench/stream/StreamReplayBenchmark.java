package io.warren.bench.stream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stream replay benchmark over a running broker and the RabbitMQ client: phase 1 appends COUNT messages to one
 * stream with pipelined confirms; phase 2 reads them all from 'first' with one consumer while a second follows at
 * 'next' the messages a paced publisher keeps appending. Prints msg/s for each, the follower's lag and latency, and
 * fails unless the first consumer saw every offset once and in order. bench/scripts/stream-replay.sh runs it
 * against a fresh broker and samples the broker's memory.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.stream.StreamReplayBenchmark --uri amqp://... --count N</pre>
 */
public final class StreamReplayBenchmark {
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ReplayOptions o;
    private final ConnectionFactory factory = new ConnectionFactory();

    private StreamReplayBenchmark(ReplayOptions o) throws Exception {
        this.o = o;
        factory.setUri(o.uri());
        factory.setRequestedHeartbeat(0); // a busy 2-core machine must not lose a connection to a late heartbeat
        factory.setAutomaticRecoveryEnabled(false);
    }

    public static void main(String[] args) throws Exception {
        ReplayOptions o;
        try {
            o = ReplayOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new StreamReplayBenchmark(o).run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        try (Connection admin = factory.newConnection("stream-replay admin")) {
            Channel ch = admin.createChannel();
            AMQP.Queue.DeclareOk ok = ch.queueDeclare(o.queue(), true, false, false, Map.of("x-queue-type", "stream"));
            if (ok.getMessageCount() > 0) {
                System.err.printf("stream '%s' already holds %,d messages: delete it or name another --queue%n",
                        o.queue(), ok.getMessageCount());
                return false;
            }
            System.out.printf("stream '%s': %,d messages of %,d bytes, %d publishers, window %,d, prefetch %,d, "
                            + "ack every %d, follower rate %,d msg/s%n", o.queue(), o.count(), o.size(),
                    o.publishers(), o.window(), o.prefetch(), o.ackEvery(), o.followRate());
            boolean ok1 = publish();
            boolean ok2 = ok1 && replay();
            phase("done");
            if (o.deleteAfter()) {
                ch.queueDelete(o.queue());
            }
            return ok1 && ok2;
        }
    }

    // ---- phase 1 ----

    private boolean publish() throws Exception {
        phase("publish");
        List<ConfirmingPublisher> publishers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < o.publishers(); i++) {
            long share = o.count() / o.publishers() + (i < o.count() % o.publishers() ? 1 : 0);
            ConfirmingPublisher p = new ConfirmingPublisher(factory, o.queue(), share, o.size(),
                    o.window() / o.publishers(), 0, false);
            publishers.add(p);
            Thread t = new Thread(p, "publisher-" + i);
            t.start();
            threads.add(t);
        }
        long lap = start;
        long lapCount = 0;
        for (Thread t : threads) {
            while (!joined(t, lap + REPORT_EVERY_NANOS)) {
                long now = System.nanoTime();
                long c = publishers.stream().mapToLong(ConfirmingPublisher::confirmed).sum();
                System.out.printf("  publish: %,d confirmed, %,.0f msg/s over the last %.0f s%n", c,
                        (c - lapCount) / ((now - lap) / 1e9), (now - lap) / 1e9);
                lap = now;
                lapCount = c;
            }
        }
        long end = publishers.stream().mapToLong(ConfirmingPublisher::lastConfirmNanos).max().orElse(start);
        long confirmed = publishers.stream().mapToLong(ConfirmingPublisher::confirmed).sum();
        long nacked = publishers.stream().mapToLong(ConfirmingPublisher::nacked).sum();
        double secs = (end - start) / 1e9;
        System.out.printf("PHASE 1 publish: %,d confirmed (%,d nacked) in %.1f s: %,.0f msg/s, %.1f MB/s of bodies%n",
                confirmed, nacked, secs, confirmed / secs, confirmed * (double) o.size() / secs / 1e6);
        for (ConfirmingPublisher p : publishers) {
            if (p.failure() != null) {
                System.out.println("FAIL: a publisher stopped: " + p.failure());
                return false;
            }
        }
        if (confirmed != o.count() || nacked > 0) {
            System.out.printf("FAIL: %,d of %,d confirmed, %,d nacked%n", confirmed, o.count(), nacked);
            return false;
        }
        return true;
    }

    // ---- phase 2 ----

    private boolean replay() throws Exception {
        phase("replay");
        try (Connection followerConn = factory.newConnection("stream-replay follower (next)");
             Connection readerConn = factory.newConnection("stream-replay reader (first)")) {
            Channel fch = followerConn.createChannel();
            fch.basicQos(o.prefetch());
            OffsetConsumer follower = new OffsetConsumer(fch, o.ackEvery(), Long.MAX_VALUE, true);
            String followerTag = fch.basicConsume(o.queue(), false, Map.of("x-stream-offset", "next"), follower);

            ConfirmingPublisher appender = new ConfirmingPublisher(factory, o.queue(), Long.MAX_VALUE,
                    o.followSize(), Math.max(1, o.window() / o.publishers()), o.followRate(), true);
            Thread appending = new Thread(appender, "paced-publisher");
            appending.start();

            Channel rch = readerConn.createChannel();
            rch.basicQos(o.prefetch());
            OffsetConsumer reader = new OffsetConsumer(rch, o.ackEvery(), o.count(), false);
            long start = System.nanoTime();
            String readerTag = rch.basicConsume(o.queue(), false, Map.of("x-stream-offset", "first"), reader);

            long lap = start;
            long lapRead = 0;
            long maxLag = 0;
            while (!reader.reachedTarget().await(1, TimeUnit.SECONDS)) {
                long lag = appender.confirmed() - follower.received();
                maxLag = Math.max(maxLag, lag);
                long now = System.nanoTime();
                if (lag > o.followRate()) {
                    // more than a second of appends confirmed (so fsynced) but not delivered: say when it happened
                    System.out.printf("  follower behind by %,d at %tT (reader at %,d)%n", lag,
                            System.currentTimeMillis(), reader.received());
                }
                if (now - lap >= REPORT_EVERY_NANOS) {
                    long r = reader.received();
                    System.out.printf("  replay: reader at %,d (%,.0f msg/s over the last %.0f s); follower %,d of "
                                    + "%,d appended, lag %,d%n", r, (r - lapRead) / ((now - lap) / 1e9),
                            (now - lap) / 1e9, follower.received(), appender.confirmed(),
                            appender.confirmed() - follower.received());
                    lap = now;
                    lapRead = r;
                }
                if (appender.failure() != null) {
                    break;
                }
            }
            long readerEnd = reader.targetNanos();
            rch.basicCancel(readerTag);
            appender.stop();
            appending.join(TimeUnit.MINUTES.toMillis(2));
            long appendEnd = System.nanoTime();
            long appended = appender.sent();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (follower.received() < appended && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            fch.basicCancel(followerTag);

            boolean pass = true;
            double readSecs = (readerEnd - start) / 1e9;
            if (reader.received() >= o.count()) {
                System.out.printf("PHASE 2 reader from first: %,d read in %.1f s: %,.0f msg/s, %.1f MB/s of bodies "
                                + "(first delivery after %.0f ms)%n", o.count(), readSecs, o.count() / readSecs,
                        o.count() * (double) o.size() / readSecs / 1e6, (reader.firstDeliveryNanos() - start) / 1e6);
            } else {
                System.out.printf("FAIL: the reader from first got %,d of %,d (%s)%n", reader.received(), o.count(),
                        reader.shutdown());
                pass = false;
            }
            if (reader.firstOffset() != 0 || reader.outOfOrder() > 0) {
                System.out.printf("FAIL: the reader from first started at offset %,d; %,d offsets out of order, "
                        + "first: %s%n", reader.firstOffset(), reader.outOfOrder(), reader.firstProblem());
                pass = false;
            } else {
                System.out.printf("  reader from first: offsets 0..%,d each seen once, in order%n", o.count() - 1);
            }
            double appendSecs = (appendEnd - start) / 1e9;
            long[] lat = follower.sortedLatencies();
            System.out.printf("PHASE 2 follower at next: %,d of %,d appended received (%,.0f msg/s appended over "
                            + "%.1f s), starting at offset %,d, %,d out of order; max lag %,d messages; latency "
                            + "publish to delivery p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", follower.received(),
                    appended, appended / appendSecs, appendSecs, follower.firstOffset(), follower.outOfOrder(),
                    maxLag, pct(lat, 0.50), pct(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
            long[] confirms = appender.sortedConfirmLatencies();
            // the part of the follower's latency spent before the broker confirmed (appended and fsynced)
            System.out.printf("  paced publisher: send to confirm p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    pct(confirms, 0.50), pct(confirms, 0.99),
                    confirms.length == 0 ? 0 : confirms[confirms.length - 1] / 1e6);
            if (appender.failure() != null) {
                System.out.println("FAIL: the paced publisher stopped: " + appender.failure());
                pass = false;
            }
            if (follower.received() != appended || follower.outOfOrder() > 0 || follower.firstOffset() != o.count()) {
                System.out.printf("FAIL: the follower got %,d of %,d, from offset %,d (%s)%n", follower.received(),
                        appended, follower.firstOffset(), follower.firstProblem());
                pass = false;
            }
            return pass;
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, (long) (p * sorted.length))] / 1e6;
    }

    private static boolean joined(Thread t, long untilNanos) throws InterruptedException {
        long ms = Math.max(1, (untilNanos - System.nanoTime()) / 1_000_000);
        t.join(ms);
        return !t.isAlive();
    }

    private void phase(String name) throws IOException {
        if (o.phaseFile() != null) {
            Files.writeString(o.phaseFile(), name + "\n");
        }
    }
}
