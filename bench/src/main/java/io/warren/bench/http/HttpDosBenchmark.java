package io.warren.bench.http;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The adversary's HTTP attacks on 127.0.0.1, each bounded in count and time, and the control client that must keep
 * being served meanwhile. bench/scripts/http-dos.sh runs them together against a broker it starts.
 *
 * <pre>
 * idle    HTTP_PORT COUNT HOLD_SECS   open COUNT HTTP connections that send nothing; report when the server closes them
 * post    HTTP_PORT COUNT MB          COUNT anonymous POSTs of MB megabytes each to /api/definitions, at once
 * control AMQP_PORT SECS              publish and consume one message every 10 ms, probe a new AMQP connection every
 *                                     2 s; report the worst gap between deliveries, blocked time, failed probes
 * </pre>
 */
public final class HttpDosBenchmark {
    private HttpDosBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 && !(args.length == 3 && args[0].equals("control"))) {
            System.err.println("usage: HttpDosBenchmark idle PORT COUNT HOLD_SECS | post PORT COUNT MB | control PORT SECS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "idle" -> idle(port, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "post" -> post(port, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "control" -> control(port, Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void idle(int port, int count, int holdSecs) throws IOException {
        long t0 = System.nanoTime();
        Selector selector = Selector.open();
        int opened = 0;
        int failed = 0;
        for (int i = 0; i < count; i++) {
            try {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ);
                opened++;
            } catch (IOException e) {
                failed++;
            }
        }
        System.out.printf("idle: %d connections opened (%d failed) in %.1f s%n", opened, failed, secs(t0));
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int closed = 0;
        long deadline = System.nanoTime() + holdSecs * 1_000_000_000L;
        long nextReport = System.nanoTime();
        while (closed < opened && System.nanoTime() < deadline) {
            selector.select(1000);
            for (SelectionKey k : selector.selectedKeys()) {
                SocketChannel ch = (SocketChannel) k.channel();
                int n;
                try {
                    buf.clear();
                    n = ch.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    k.cancel();
                    ch.close();
                    closed++;
                }
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() >= nextReport) {
                System.out.printf("idle: t=%.0f s, %d of %d closed by the server%n", secs(t0), closed, opened);
                nextReport += 10_000_000_000L;
            }
        }
        System.out.printf("idle: end t=%.0f s, %d of %d closed by the server, %d still open%n", secs(t0), closed,
                opened, opened - closed);
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
    }

    private static void post(int port, int count, int mb) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int n = i;
            Thread t = new Thread(() -> System.out.println("post " + n + ": " + onePost(port, mb, t0)));
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static String onePost(int port, int mb, long t0) {
        long total = (long) mb * 1_000_000;
        long sent = 0;
        String outcome;
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(45_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/definitions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + total + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            InputStream in = s.getInputStream();
            try {
                while (sent < total && in.available() == 0) {
                    int len = (int) Math.min(chunk.length, total - sent);
                    out.write(chunk, 0, len);
                    sent += len;
                }
                out.flush();
            } catch (IOException e) {
                // the server stopped reading and closed: read its answer below
            }
            outcome = statusLine(in);
        } catch (IOException e) {
            outcome = e.toString();
        }
        return String.format("%s after %.1f MB of %d MB sent, t=%.1f s", outcome, sent / 1e6, mb, secs(t0));
    }

    private static String statusLine(InputStream in) {
        StringBuilder b = new StringBuilder();
        try {
            for (int c = in.read(); c >= 0 && c != '\r' && c != '\n'; c = in.read()) {
                b.append((char) c);
            }
        } catch (IOException e) {
            return b.isEmpty() ? "no answer (" + e.getMessage() + ")" : b.toString();
        }
        return b.isEmpty() ? "no answer (closed)" : b.toString();
    }

    private static void control(int port, int secs) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(5000);
        f.setHandshakeTimeout(5000);
        AtomicLong blockedSince = new AtomicLong();
        AtomicLong blockedMillis = new AtomicLong();
        AtomicLong lastDelivery = new AtomicLong(System.nanoTime());
        AtomicLong worstGap = new AtomicLong();
        AtomicLong delivered = new AtomicLong();
        long t0 = System.nanoTime();
        try (Connection conn = f.newConnection("http-dos-control")) {
            conn.addBlockedListener(reason -> {
                blockedSince.set(System.nanoTime());
                System.out.printf("control: t=%.0f s blocked by the broker: %s%n", secs(t0), reason);
            }, () -> {
                blockedMillis.addAndGet((System.nanoTime() - blockedSince.getAndSet(0)) / 1_000_000);
                System.out.printf("control: t=%.0f s unblocked%n", secs(t0));
            });
            Channel pub = conn.createChannel();
            Channel sub = conn.createChannel();
            String q = sub.queueDeclare("", false, true, true, null).getQueue();
            sub.basicConsume(q, true, new DefaultConsumer(sub) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    long now = System.nanoTime();
                    worstGap.accumulateAndGet((now - lastDelivery.getAndSet(now)) / 1_000_000, Math::max);
                    delivered.incrementAndGet();
                }
            });
            int probes = 0;
            int probeFailures = 0;
            long nextProbe = System.nanoTime();
            long end = System.nanoTime() + secs * 1_000_000_000L;
            while (System.nanoTime() < end) {
                pub.basicPublish("", q, null, new byte[100]);
                if (System.nanoTime() >= nextProbe) {
                    nextProbe += 2_000_000_000L;
                    probes++;
                    try (Connection probe = f.newConnection("http-dos-probe")) {
                        probe.createChannel().close();
                    } catch (IOException | java.util.concurrent.TimeoutException e) {
                        probeFailures++;
                        System.out.printf("control: t=%.0f s a new AMQP connection failed: %s%n", secs(t0), e);
                    }
                }
                Thread.sleep(10);
            }
            if (blockedSince.get() != 0) {
                blockedMillis.addAndGet((System.nanoTime() - blockedSince.get()) / 1_000_000);
            }
            System.out.printf("control: %d s, %d delivered, worst gap between deliveries %d ms, blocked %d ms, "
                    + "%d of %d new AMQP connections failed%n", secs, delivered.get(), worstGap.get(),
                    blockedMillis.get(), probeFailures, probes);
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
