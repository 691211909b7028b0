package io.warren.bench.mgmt;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Declares COUNT non-durable queues on a broker at 127.0.0.1 (a few connections in parallel, bounded by a deadline),
 * then times the management API's listings and /metrics against them, with the broker's peak resident memory
 * during each request (read from /proc/PID/status). bench/scripts/many-queues.sh starts the broker and runs it.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.mgmt.ManyQueuesBenchmark AMQP_PORT HTTP_PORT COUNT PID</pre>
 */
public final class ManyQueuesBenchmark {
    private static final int DECLARERS = 4;
    private static final long DECLARE_DEADLINE_MILLIS = 600_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private ManyQueuesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ManyQueuesBenchmark AMQP_PORT HTTP_PORT COUNT BROKER_PID");
            System.exit(2);
        }
        int amqpPort = Integer.parseInt(args[0]);
        int httpPort = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        long pid = Long.parseLong(args[3]);
        declare(amqpPort, count);
        System.out.printf("broker after declaring: RSS %d MiB%n", rssKib(pid) / 1024);
        Control control = new Control(amqpPort);
        String base = "http://127.0.0.1:" + httpPort;
        String[] paths = {"/api/queues?page=1&page_size=100", "/api/queues?page=500&page_size=100&name=mq-00",
            "/api/queues?columns=name,messages", "/api/queues", "/api/overview", "/metrics", "/metrics/per-object",
            "/metrics", "/api/queues?page=1&page_size=100"};
        for (String p : paths) {
            time(base, p, pid);
        }
        control.stop();
        System.out.printf("broker at the end: RSS %d MiB%n", rssKib(pid) / 1024);
    }

    /**
     * A control client that, while the requests run, sends itself a message through a queue every 20 ms and
     * reports the longest round trip: how long the broker ever stopped serving AMQP because of the API.
     */
    private static final class Control {
        private final Connection connection;
        private final Thread thread;
        private volatile boolean running = true;
        private long worstNanos;
        private long rounds;

        Control(int port) throws Exception {
            ConnectionFactory f = new ConnectionFactory();
            f.setHost("127.0.0.1");
            f.setPort(port);
            connection = f.newConnection("control");
            Channel ch = connection.createChannel();
            String q = ch.queueDeclare().getQueue();
            thread = new Thread(() -> {
                try {
                    while (running) {
                        long t0 = System.nanoTime();
                        ch.basicPublish("", q, null, new byte[8]);
                        while (ch.basicGet(q, true) == null) {
                            Thread.onSpinWait();
                        }
                        worstNanos = Math.max(worstNanos, System.nanoTime() - t0);
                        rounds++;
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    System.out.println("control client failed: " + e);
                }
            });
            thread.start();
        }

        void stop() throws Exception {
            running = false;
            thread.join();
            connection.close();
            System.out.printf("control client: %d round trips through a queue, the slowest %.1f ms%n", rounds,
                    worstNanos / 1e6);
        }
    }

    private static void declare(int port, int count) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        long t0 = System.nanoTime();
        long deadline = System.currentTimeMillis() + DECLARE_DEADLINE_MILLIS;
        AtomicLong declared = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < DECLARERS; t++) {
            int first = t;
            Thread th = new Thread(() -> {
                try (Connection c = f.newConnection("declarer-" + first)) {
                    Channel ch = c.createChannel();
                    for (int i = first; i < count && System.currentTimeMillis() < deadline; i += DECLARERS) {
                        ch.queueDeclare(String.format("mq-%07d", i), false, false, false, null);
                        long n = declared.incrementAndGet();
                        if (n % 10_000 == 0) {
                            System.out.printf("  %d queues declared after %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("declaring failed", failures.get(0));
        }
        System.out.printf("declared %d queues in %.1f s%n", declared.get(), (System.nanoTime() - t0) / 1e9);
    }

    private static void time(String base, String path, long pid) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT).GET();
        if (path.startsWith("/api/")) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    "guest:guest".getBytes(StandardCharsets.UTF_8)));
        }
        long[] peak = {rssKib(pid)};
        long before = peak[0];
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], rssKib(pid));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        String outcome;
        long bytes = 0;
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] buf = new byte[65536];
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    bytes += n;
                }
            }
            outcome = "HTTP " + r.statusCode();
        } catch (java.io.IOException e) {
            outcome = "failed: " + e;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        System.out.printf("%-50s %-9s %8.3f s %12d bytes  broker RSS %d -> peak %d MiB%n", path, outcome, seconds,
                bytes, before / 1024, peak[0] / 1024);
    }

    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
