package io.warren.cluster.quorum.bodies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.quorum.state.QueueKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodyLogTest {
    @TempDir
    Path dir;

    private static QueueKey queue(int i) {
        return new QueueKey("/", "q-" + i);
    }

    private static ByteBuffer body(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        return b == null ? null : StandardCharsets.UTF_8.decode(b).toString();
    }

    /** Descriptors this process holds on files in the directory (Linux: /proc/self/fd). */
    private long openFilesIn(Path d) throws IOException {
        Path real = d.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor)
                }
            }).count();
        }
    }

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void twoThousandQueuesShareAFewFilesAndDescriptors() throws IOException {
        try (BodyLog log = BodyLog.open(dir)) {
            for (int i = 0; i < 2000; i++) {
                log.append(queue(i), 1, body("body of " + i));
            }
            log.flush();
            for (int i = 0; i < 2000; i += 7) {
                assertEquals("body of " + i, text(log.read(queue(i), 1)));
            }
            assertTrue(openFilesIn(dir) <= 1 + BodyLog.OPEN_READERS, openFilesIn(dir) + " descriptors open");
            assertEquals(2, filesIn(dir), "one segment and the catalogue of queues");
        }
        assertEquals(0, openFilesIn(dir));
    }

    @Test
    void settledSegmentsAreDeleted() throws IOException {
        try (BodyLog log = BodyLog.open(dir, 4096)) {
            for (int m = 1; m <= 200; m++) {
                log.append(queue(m % 10), m, body("x".repeat(100)));
            }
            log.flush();
            assertTrue(log.segmentCount() > 5, log.segmentCount() + " segments");
            for (int m = 1; m <= 200; m++) {
                log.release(queue(m % 10), m);
            }
            assertEquals(1, log.segmentCount(), "only the segment written to is left");
            assertEquals(0, log.msgIds(queue(3)).length);
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("bodies.")).count());
            }
        }
    }

    @Test
    void aMostlySettledSegmentIsCompactedAndItsLiveBodiesStay() throws IOException {
        try (BodyLog log = BodyLog.open(dir, 8192)) {
            for (int m = 1; m <= 2000; m++) {
                log.append(queue(m % 4), m, body("body " + m + " " + "y".repeat(60)));
            }
            log.flush();
            int before = log.segmentCount();
            // one body in ten stays: every sealed segment ends up mostly dead
            for (int m = 1; m <= 2000; m++) {
                if (m % 10 != 0) {
                    log.release(queue(m % 4), m);
                }
            }
            assertTrue(log.segmentCount() <= before / 3, log.segmentCount() + " of " + before + " segments left");
            for (int m = 10; m <= 2000; m += 10) {
                assertEquals("body " + m + " " + "y".repeat(60), text(log.read(queue(m % 4), m)));
            }
        }
        try (BodyLog again = BodyLog.open(dir, 8192)) {
            for (int m = 10; m <= 2000; m += 10) {
                assertEquals("body " + m + " " + "y".repeat(60), text(again.read(queue(m % 4), m)), "msgId " + m);
            }
        }
    }

    @Test
    void bodiesWrittenOutSurviveAnEndWithoutClose() throws IOException {
        BodyLog crashed = BodyLog.open(dir);
        for (int m = 1; m <= 50; m++) {
            crashed.append(queue(1), m, body("m" + m));
        }
        crashed.release(queue(1), 7);
        crashed.flush(); // never closed, as after SIGKILL: the page cache has what was written
        try (BodyLog log = BodyLog.open(dir)) {
            // releases are not written down: the owner settles them again from its state
            assertEquals(50, log.msgIds(queue(1)).length);
            assertEquals("m42", text(log.read(queue(1), 42)));
            log.append(queue(1), 51, body("m51"));
            assertEquals("m51", text(log.read(queue(1), 51)));
        }
    }

    @Test
    void aTornTailIsCutAndTheRecordsBeforeItStay() throws IOException {
        try (BodyLog log = BodyLog.open(dir)) {
            log.append(queue(1), 1, body("one"));
            log.append(queue(1), 2, body("two"));
        }
        Path segment;
        try (Stream<Path> s = Files.list(dir)) {
            segment = s.filter(p -> p.getFileName().toString().startsWith("bodies.")).findFirst().orElseThrow();
        }
        long whole = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 0, 0, 0, 40, 1, 2})); // a record cut short
        }
        try (BodyLog log = BodyLog.open(dir)) {
            assertEquals(whole, Files.size(segment));
            assertArrayEquals(new long[] {1, 2}, log.msgIds(queue(1)));
            assertEquals("two", text(log.read(queue(1), 2)));
        }
    }

    @Test
    void aQueueDeclaredAgainNeverGetsTheBodiesOfTheOneDeleted() throws IOException {
        QueueKey q = queue(1);
        try (BodyLog log = BodyLog.open(dir)) {
            for (int m = 1; m <= 3; m++) {
                log.append(q, m, body("old " + m));
            }
            log.append(queue(2), 1, body("keeps the segment alive"));
            log.removeQueue(q);
            log.append(q, 1, body("new 1")); // the queue again: its msgIds start over
            log.flush();
            assertArrayEquals(new long[] {1}, log.msgIds(q));
        }
        try (BodyLog log = BodyLog.open(dir)) {
            assertArrayEquals(new long[] {1}, log.msgIds(q));
            assertEquals("new 1", text(log.read(q, 1)));
            assertNull(log.read(q, 2));
        }
    }
}
