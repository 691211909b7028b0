package io.warren.store.stream;

import static io.warren.store.stream.StreamLogTest.body;
import static io.warren.store.stream.StreamLogTest.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamReaderTest {
    static final int CHUNK = 4096;
    static final StreamSettings SETTINGS = new StreamSettings(64 * 1024, 8 * 1024, CHUNK, 256 * 1024);

    @TempDir
    Path dir;

    @Test
    void aReaderFromFirstOverManySegmentsHoldsOnlyItsChunk() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SETTINGS)) {
            byte[] kib = new byte[1024];
            for (int i = 0; i < 3000; i++) {
                log.append(new byte[16], kib, i, List.of());
            }
            log.flush();
            assertTrue(log.segmentCount() > 40, "segments: " + log.segmentCount());
            try (StreamReader reader = log.reader(log.firstOffset())) {
                long expected = 0;
                int maxBuffered = 0;
                StreamRecord r;
                while ((r = reader.next()) != null) {
                    assertEquals(expected++, r.offset());
                    maxBuffered = Math.max(maxBuffered, reader.bufferedBytes());
                }
                assertEquals(3000, expected);
                assertEquals(CHUNK, maxBuffered, "one chunk, not a segment (" + SETTINGS.maxSegmentBytes() + " bytes)");
            }
        }
    }

    @Test
    void aMessageBiggerThanTheChunkGetsItsOwnBufferOnlyWhileItIsCurrent() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SETTINGS)) {
            log.append(header(0), body(0), 0, List.of());
            log.append(new byte[0], new byte[20_000], 0, List.of());
            log.append(header(2), body(2), 0, List.of());
            log.flush();
            try (StreamReader reader = log.reader(0)) {
                reader.next();
                assertEquals(CHUNK, reader.bufferedBytes());
                assertEquals(20_000, reader.next().body().length);
                assertTrue(reader.bufferedBytes() > 20_000);
                reader.next();
                assertEquals(CHUNK, reader.bufferedBytes());
            }
        }
    }

    @Test
    void aReaderFollowingTheTailSeesEveryOffsetOnceInOrderWhileAnotherThreadAppends() throws Exception {
        int total = 5000;
        try (StreamLog log = StreamLog.open(dir, SETTINGS)) {
            AtomicLong seen = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // opened before the first append: opened in the follower, "next" could already be past offset 0
            StreamReader tail = log.reader(log.nextOffset());
            Thread follower = new Thread(() -> {
                try (StreamReader reader = tail) {
                    while (seen.get() < total) {
                        StreamRecord r = reader.next();
                        if (r == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        if (r.offset() != seen.get()) {
                            throw new AssertionError("expected offset " + seen.get() + ", got " + r.offset());
                        }
                        seen.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            follower.start();
            for (int i = 0; i < total; i++) {
                log.append(header(i), body(i), i, List.of());
                if (i % 7 == 0) {
                    log.flush();
                }
            }
            log.flush();
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> seen.get() == total || failure.get() != null);
            follower.join(30_000);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(total, seen.get());
        }
    }
}
