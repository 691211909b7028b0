package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker killed with SIGKILL while publishers and consumers are busy: every message it confirmed must be
 * there after the restart, exactly once, unless a consumer acked it.
 */
class CrashRecoveryTest {
    private static final String QUEUE = "crash";
    // 8 in CI (about 30 s a round on a loaded 2-core machine); a long run: -Dwarren.crash.rounds=62
    private static final int ROUNDS = Integer.getInteger("warren.crash.rounds", 8);

    @TempDir
    Path dir;

    private BrokerProcess start() throws Exception {
        // small segments, so rounds cross rollovers, deletions and compactions
        BrokerProcess broker = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--bind",
                "127.0.0.1", "--http-port", "0", "--data-dir", dir.resolve("data").toString(), "--segment-bytes",
                "256K");
        assertTrue(broker.port() > 0, "the broker did not start:\n" + broker.log());
        return broker;
    }

    @Test
    void everyConfirmedMessageSurvivesSigkillAtRandomMomentsExactlyOnce() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Set<String> published = new HashSet<>();
        Set<String> mustBeThere = new HashSet<>();
        for (int round = 1; round <= ROUNDS; round++) {
            BrokerProcess broker = start();
            Set<String> found = takeEverything(broker, published, mustBeThere, "seed " + seed + ", round " + round);
            mustBeThere.removeAll(found);
            Workload w = new Workload(broker, "r" + round + "-", random, round % 2 == 0);
            w.start();
            // a cold JVM takes a moment for its first confirm; the kill comes at a random moment after that
            w.awaitFirstConfirm(broker);
            Thread.sleep(random.nextInt(1200));
            broker.kill();
            w.stop();
            published.addAll(w.published);
            System.out.printf("crash round %d (seed %d): %d published, %d confirmed, %d acked by a consumer, "
                    + "%d checked after the previous restart%n", round, seed, w.published.size(), w.confirmed.size(),
                    w.acked.size(), found.size());
            Set<String> confirmedNotAcked = new HashSet<>(w.confirmed);
            confirmedNotAcked.removeAll(w.acked);
            mustBeThere.addAll(confirmedNotAcked);
        }
        try (BrokerProcess broker = start()) {
            takeEverything(broker, published, mustBeThere, "seed " + seed + ", final check");
        }
    }

    /** Takes every message in the queue (acking them), checking none is duplicated, unknown or missing. */
    private static Set<String> takeEverything(BrokerProcess broker, Set<String> published, Set<String> mustBeThere,
                                              String context) throws Exception {
        Set<String> found = new HashSet<>();
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            GetResponse r;
            long last = 0;
            while ((r = ch.basicGet(QUEUE, false)) != null) {
                String id = new String(r.getBody(), StandardCharsets.UTF_8).split(" ", 2)[0];
                if (!found.add(id)) {
                    fail(context + ": " + id + " is in the queue twice");
                }
                if (!published.contains(id)) {
                    fail(context + ": " + id + " was never published");
                }
                last = r.getEnvelope().getDeliveryTag();
            }
            if (last > 0) {
                ch.basicAck(last, true);
            }
        }
        Set<String> missing = new HashSet<>(mustBeThere);
        missing.removeAll(found);
        assertEquals(Set.of(), missing, context + ": confirmed messages lost (of " + mustBeThere.size() + ")");
        return found;
    }

    /** A confirming publisher of persistent messages, and optionally a consumer acking what it gets. */
    private static final class Workload {
        final Set<String> published = ConcurrentHashMap.newKeySet();
        final Set<String> confirmed = ConcurrentHashMap.newKeySet();
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        private final ConcurrentNavigableMap<Long, String> unconfirmed = new ConcurrentSkipListMap<>();
        private final BrokerProcess broker;
        private final String prefix;
        private final Random random;
        private final boolean consume;
        private final List<Connection> connections = new ArrayList<>();
        private Thread publisher;
        private volatile boolean running = true;

        Workload(BrokerProcess broker, String prefix, Random random, boolean consume) {
            this.broker = broker;
            this.prefix = prefix;
            this.random = new Random(random.nextLong());
            this.consume = consume;
        }

        void start() throws Exception {
            Connection pc = broker.connect();
            connections.add(pc);
            Channel pub = pc.createChannel();
            pub.confirmSelect();
            pub.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long seq, boolean multiple) {
                    settle(seq, multiple, true);
                }

                @Override
                public void handleNack(long seq, boolean multiple) {
                    settle(seq, multiple, false);
                }
            });
            if (consume) {
                Connection cc = broker.connect();
                connections.add(cc);
                Channel con = cc.createChannel();
                con.basicQos(100);
                con.basicConsume(QUEUE, false, new DefaultConsumer(con) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body)
                            throws IOException {
                        // recorded before the ack is sent: an ack lost in the crash may bring it back
                        acked.add(new String(body, StandardCharsets.UTF_8).split(" ", 2)[0]);
                        getChannel().basicAck(env.getDeliveryTag(), false);
                    }
                });
            }
            publisher = new Thread(() -> publish(pub), "crash-test-publisher");
            publisher.start();
        }

        private void publish(Channel ch) {
            byte[] padding = new byte[2048];
            Arrays.fill(padding, (byte) 'x');
            try {
                for (long n = 0; running; n++) {
                    String id = prefix + n;
                    byte[] body = (id + " " + new String(padding, 0, random.nextInt(2048), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    unconfirmed.put(ch.getNextPublishSeqNo(), id);
                    published.add(id);
                    ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, body);
                    if (unconfirmed.size() > 2_000) {
                        Thread.sleep(1); // keep confirms flowing rather than an ever-growing window
                    }
                }
            } catch (Exception e) {
                // the broker was killed under us
            }
        }

        private void settle(long seq, boolean multiple, boolean ack) {
            ConcurrentNavigableMap<Long, String> done = multiple ? unconfirmed.headMap(seq, true)
                    : unconfirmed.subMap(seq, true, seq, true);
            if (ack) {
                confirmed.addAll(done.values());
            }
            done.clear();
        }

        void awaitFirstConfirm(BrokerProcess broker) throws Exception {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (confirmed.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("nothing confirmed within 30 s of " + published.size() + " publishes; the broker logged:\n"
                            + broker.log());
                }
                Thread.sleep(5);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            publisher.join(30_000);
            for (Connection c : connections) {
                c.abort();
            }
        }
    }

    @Test
    void aTornRecordAtTheTailOfTheLastSegmentIsCutOffAndNothingBeforeItIsLost() throws Exception {
        publishThenKill(500);
        Path last = lastSegmentWithRecords();
        long size = Files.size(last);
        try (FileChannel f = FileChannel.open(last, StandardOpenOption.WRITE)) {
            f.truncate(size - 5); // the crash came in the middle of writing the last record
        }
        assertEquals(numbered(499), idsAfterRestart());
    }

    @Test
    void aCorruptedLastRecordFailsItsChecksumAndIsCutOff() throws Exception {
        publishThenKill(500);
        Path last = lastSegmentWithRecords();
        long size = Files.size(last);
        try (FileChannel f = FileChannel.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            f.read(b, size - 3);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            f.write(b, size - 3);
        }
        assertEquals(numbered(499), idsAfterRestart());
    }

    private void publishThenKill(int count) throws Exception {
        BrokerProcess broker = start();
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            ch.confirmSelect();
            for (int i = 1; i <= count; i++) {
                ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
                        String.valueOf(i).getBytes(StandardCharsets.US_ASCII));
            }
            ch.waitForConfirmsOrDie(30_000);
        }
        broker.kill();
    }

    private List<String> idsAfterRestart() throws Exception {
        try (BrokerProcess broker = start(); Connection c = broker.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            List<String> ids = new ArrayList<>();
            GetResponse r;
            while ((r = ch.basicGet(QUEUE, true)) != null) {
                ids.add(new String(r.getBody(), StandardCharsets.US_ASCII));
            }
            return ids;
        }
    }

    private static List<String> numbered(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(String.valueOf(i));
        }
        return out;
    }

    // the newest segment file that holds more than a header
    private Path lastSegmentWithRecords() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("data").resolve("messages"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("msgs."))
                    .filter(p -> {
                        try {
                            return Files.size(p) > 64;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .max((a, b) -> a.getFileName().compareTo(b.getFileName()))
                    .orElseThrow(() -> new AssertionError("no segment file with records under " + dir));
        }
    }
}
