package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the broker's data directory on a small tmpfs that persistent messages fill up. Needs the
 * right to mount one (root, as on a CI machine); skipped elsewhere.
 */
class FullDiskTest {
    private static final String QUEUE = "fill";

    @TempDir
    Path dir;
    private Path disk;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = Files.createDirectories(dir.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here: " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", disk.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private BrokerProcess start() throws Exception {
        // no disk alarm: the point is to run into the full disk itself
        BrokerProcess b = BrokerProcess.start(dir.resolve("broker.log"), "--amqp-port", "0", "--bind", "127.0.0.1",
                "--http-port", "0", "--data-dir", disk.resolve("data").toString(), "--disk-free-limit", "0");
        assertTrue(b.port() > 0, "the broker did not start:\n" + b.log());
        return b;
    }

    @Test
    void aFullDiskNacksPublishesAndEveryConfirmedMessageSurvivesAKill() throws Exception {
        Set<Long> confirmed = new ConcurrentSkipListSet<>();
        AtomicInteger nacked = new AtomicInteger();
        BrokerProcess broker = start();
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            ConcurrentNavigableMap<Long, Long> unconfirmed = new ConcurrentSkipListMap<>();
            ch.confirmSelect();
            ch.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long seq, boolean multiple) {
                    var done = multiple ? unconfirmed.headMap(seq, true) : unconfirmed.subMap(seq, true, seq, true);
                    confirmed.addAll(done.values());
                    done.clear();
                }

                @Override
                public void handleNack(long seq, boolean multiple) {
                    var done = multiple ? unconfirmed.headMap(seq, true) : unconfirmed.subMap(seq, true, seq, true);
                    nacked.addAndGet(done.size());
                    done.clear();
                }
            });
            byte[] body = new byte[1000];
            for (long n = 0; n < 30_000 && nacked.get() == 0; n++) {
                ByteBuffer.wrap(body).putLong(0, n);
                unconfirmed.put(ch.getNextPublishSeqNo(), n);
                ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, body);
                if (n % 100 == 99) {
                    ch.waitForConfirms(30_000);
                }
            }
            ch.waitForConfirms(30_000);
        }
        assertTrue(nacked.get() > 0, "12 MiB cannot hold 30,000 messages of 1 KB: the full disk must nack");
        assertTrue(confirmed.size() > 1_000, "the disk held " + confirmed.size() + " before it was full");
        broker.kill();

        try (BrokerProcess again = start(); Connection c = again.connect(); Channel ch = c.createChannel()) {
            ch.queueDeclare(QUEUE, true, false, false, Map.of());
            List<Long> found = new ArrayList<>();
            GetResponse r;
            while ((r = ch.basicGet(QUEUE, true)) != null) {
                found.add(ByteBuffer.wrap(r.getBody()).getLong(0));
            }
            // a nacked message may or may not be there (a nack covers a whole batch); a confirmed one must be
            assertEquals(found.stream().sorted().distinct().toList(), found, "in order, none twice");
            List<Long> missing = new ArrayList<>(confirmed);
            missing.removeAll(new java.util.HashSet<>(found));
            assertEquals(List.of(), missing, "confirmed messages lost (of " + confirmed.size() + ")");
            // drained, the disk has room again and the broker takes messages as before
            ch.confirmSelect();
            ch.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, new byte[1000]);
            ch.waitForConfirmsOrDie(30_000);
        }
    }
}
