package io.warren.bench.net;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.LongString;
import io.warren.codec.Method;
import io.warren.codec.MethodCodec;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Connection.Open;
import io.warren.codec.methods.Connection.StartOk;
import io.warren.codec.methods.Connection.TuneOk;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that never read their socket against a broker on 127.0.0.1, while a control client publishes and consumes:
 * half of the bad clients publish mandatory messages nobody can route (every one comes back as a return they do not
 * read), the other half consume a queue with a backlog without acks and without reading (deliveries they do not
 * read). The control client publishes a timestamped message every 5 ms on one connection and consumes them on
 * another; the report gives its worst gap between two receipts and its worst latency. Stops by itself after the
 * given time.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.net.NonReadingClients PORT CLIENTS SECONDS</pre>
 */
public final class NonReadingClients {
    private static final byte[] BODY = new byte[1024];

    private NonReadingClients() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: NonReadingClients PORT CLIENTS SECONDS");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;

        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        try (Connection setup = f.newConnection("setup")) {
            Channel ch = setup.createChannel();
            ch.queueDelete("non-reading-backlog");
            ch.queueDeclare("non-reading-backlog", false, false, false, Map.of());
            ch.confirmSelect();
            for (int i = 0; i < 50_000; i++) {
                ch.basicPublish("", "non-reading-backlog", null, BODY);
            }
            ch.waitForConfirmsOrDie(60_000);
        }

        AtomicLong sent = new AtomicLong();
        List<Socket> sockets = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setReceiveBufferSize(4096);
            sockets.add(s);
            boolean publisher = i % 2 == 0;
            Thread t = new Thread(() -> runBadClient(s, publisher, deadline, sent), "bad-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }

        Control control = new Control(f);
        control.run(deadline);
        for (Socket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            t.join(5_000);
        }
        System.out.printf("non-reading clients: %d (%d publishing unroutable mandatory, %d consuming without "
                + "reading); they wrote %.1f MiB in %d s%n", clients, (clients + 1) / 2, clients / 2,
                sent.get() / 1048576.0, seconds);
        control.report();
    }

    private static void runBadClient(Socket s, boolean publisher, long deadline, AtomicLong sent) {
        try {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            handshake(in, out);
            write(out, method(1, new io.warren.codec.methods.Channel.Open()));
            if (!publisher) {
                write(out, method(1, new Basic.Consume("non-reading-backlog", "", false, false, false, false,
                        Map.of())));
                while (System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                return;
            }
            ByteBuf batch = Unpooled.buffer();
            for (int i = 0; i < 64; i++) {
                FrameWriter.writeMethod(batch, 1, new Basic.Publish("", "nowhere", true, false));
                FrameWriter.writeContentHeader(batch, 1, 60, BODY.length, Unpooled.wrappedBuffer(new byte[] {0, 0}));
                FrameWriter.writeBodyFrame(batch, 1, Unpooled.wrappedBuffer(BODY));
            }
            byte[] bytes = new byte[batch.readableBytes()];
            batch.readBytes(bytes);
            while (System.nanoTime() < deadline) {
                out.write(bytes); // blocks once the broker stops reading this client
                sent.addAndGet(bytes.length);
            }
        } catch (IOException e) {
            // closed at the end while blocked in a write
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void handshake(DataInputStream in, OutputStream out) throws IOException {
        write(out, FrameWriter.PROTOCOL_HEADER);
        readMethod(in); // start
        write(out, method(0, new StartOk(Map.of(), "PLAIN", LongString.of("\0guest\0guest"), "en_US")));
        readMethod(in); // tune
        write(out, method(0, new TuneOk(2047, 131072, 0)));
        write(out, method(0, new Open("/")));
        readMethod(in); // open-ok
    }

    private static Method readMethod(DataInputStream in) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            in.readUnsignedShort();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            in.readUnsignedByte();
            if (type == FrameWriter.FRAME_METHOD) {
                return MethodCodec.decode(Unpooled.wrappedBuffer(payload));
            }
        }
    }

    private static byte[] method(int channel, Method m) {
        ByteBuf buf = Unpooled.buffer();
        FrameWriter.writeMethod(buf, channel, m);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Publishes a timestamp every 5 ms on one connection, consumes on another, and keeps the worst numbers. */
    private static final class Control {
        private final ConnectionFactory factory;
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong worstGapNanos = new AtomicLong();
        // the same after the first 3 s, when the non-reading clients have filled what they can
        private final AtomicLong worstLaterGapNanos = new AtomicLong();
        private final AtomicLong worstLatencyNanos = new AtomicLong();
        private volatile long lastReceipt;
        private volatile long worstGapAt;
        private long start;
        private final AtomicLong published = new AtomicLong();

        Control(ConnectionFactory factory) {
            this.factory = factory;
        }

        /** Runs until the deadline, then waits up to 10 s for what is still on its way; never blocks longer. */
        void run(long deadline) throws Exception {
            Connection pc = factory.newConnection("control-publisher");
            Connection cc = factory.newConnection("control-consumer");
            try {
                Channel consumer = cc.createChannel();
                String q = consumer.queueDeclare().getQueue();
                start = System.nanoTime();
                lastReceipt = start;
                consumer.basicConsume(q, true, (tag, d) -> {
                    long now = System.nanoTime();
                    if (now - start > 3_000_000_000L) {
                        worstLaterGapNanos.accumulateAndGet(now - lastReceipt, Math::max);
                    }
                    if (now - lastReceipt > worstGapNanos.get()) {
                        worstGapNanos.set(now - lastReceipt);
                        worstGapAt = now;
                    }
                    worstLatencyNanos.accumulateAndGet(now - ByteBuffer.wrap(d.getBody()).getLong(), Math::max);
                    lastReceipt = now;
                    received.incrementAndGet();
                }, tag -> { });
                Channel publisher = pc.createChannel();
                // a broker that blocks this publisher (an alarm) must not hang the run: publish from a thread of its own
                Thread t = new Thread(() -> {
                    try {
                        while (System.nanoTime() < deadline) {
                            publisher.basicPublish("", q, null,
                                    ByteBuffer.allocate(8).putLong(System.nanoTime()).array());
                            published.incrementAndGet();
                            Thread.sleep(5);
                        }
                    } catch (Exception e) {
                        // aborted at the end while blocked
                    }
                }, "control-publisher");
                t.setDaemon(true);
                t.start();
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                long wait = System.nanoTime() + 10_000_000_000L;
                while (received.get() < published.get() && System.nanoTime() < wait) {
                    Thread.sleep(10);
                }
                // a gap still open at the end counts too
                long now = System.nanoTime();
                if (now - lastReceipt > worstGapNanos.get()) {
                    worstGapNanos.set(now - lastReceipt);
                    worstGapAt = now;
                }
                worstLaterGapNanos.accumulateAndGet(now - lastReceipt, Math::max);
            } finally {
                pc.abort(1_000);
                cc.abort(1_000);
            }
        }

        void report() {
            System.out.printf("control client: published %d, received %d, worst gap between receipts %.1f ms "
                    + "(ending %.1f s into the run), after the first 3 s %.1f ms; worst latency %.1f ms%n", published.get(),
                    received.get(), worstGapNanos.get() / 1e6, (worstGapAt - start) / 1e9,
                    worstLaterGapNanos.get() / 1e6, worstLatencyNanos.get() / 1e6);
        }
    }
}
