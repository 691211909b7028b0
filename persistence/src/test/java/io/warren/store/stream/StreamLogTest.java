package io.warren.store.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamLogTest {
    /** Small segments so a few hundred messages make many of them. */
    static final StreamSettings SMALL = new StreamSettings(4096, 512, 1024, 1024 * 1024);

    @TempDir
    Path dir;
    StreamLog log;

    @AfterEach
    void closeLog() throws IOException {
        if (log != null) {
            log.close();
        }
    }

    static byte[] body(long i) {
        return ("message " + i + " " + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] header(long i) {
        return ("props-" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** Appends n messages stamped 1000 + 10 * offset and flushes. */
    static void fill(StreamLog log, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            long next = log.nextOffset();
            log.append(header(next), body(next), 1000 + 10 * next, List.of());
        }
        log.flush();
    }

    static List<StreamRecord> readAll(StreamReader reader) throws IOException {
        List<StreamRecord> out = new ArrayList<>();
        StreamRecord r;
        while ((r = reader.next()) != null) {
            out.add(r);
        }
        return out;
    }

    static List<Long> segmentFileOffsets(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> StreamFormat.offsetOf(p.getFileName().toString(), ".seg")).filter(o -> o >= 0)
                    .sorted().toList();
        }
    }

    @Test
    void appendedMessagesComeBackInOrderWithTheirOffsetsAndContents() throws IOException {
        log = StreamLog.open(dir, SMALL);
        for (int i = 0; i < 100; i++) {
            long offset = log.append(header(i), body(i), 5000 + i, i % 2 == 0 ? List.of("eu", "ü-" + i) : List.of());
            assertEquals(i, offset);
        }
        log.flush();
        assertEquals(0, log.firstOffset());
        assertEquals(99, log.lastOffset());
        assertEquals(100, log.nextOffset());
        assertEquals(100, log.count());
        try (StreamReader reader = log.reader(0)) {
            List<StreamRecord> all = readAll(reader);
            assertEquals(100, all.size());
            for (int i = 0; i < 100; i++) {
                StreamRecord r = all.get(i);
                assertEquals(i, r.offset());
                assertEquals(5000 + i, r.timestampMillis());
                assertArrayEquals(header(i), r.header());
                assertArrayEquals(body(i), r.body());
                assertEquals(i % 2 == 0 ? List.of("eu", "ü-" + i) : List.of(), r.filterValues());
            }
        }
    }

    @Test
    void segmentsRollOverAtTheMaximumSizeAndAreNamedByTheirFirstOffset() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300);
        List<Long> firsts = segmentFileOffsets(dir);
        assertTrue(firsts.size() > 5, "segments: " + firsts);
        assertEquals(firsts.size(), log.segmentCount());
        assertEquals(0L, firsts.get(0));
        for (long first : firsts) {
            Path file = dir.resolve(StreamFormat.segmentName(first));
            assertTrue(Files.size(file) <= SMALL.maxSegmentBytes(), file + " has " + Files.size(file) + " bytes");
            try (StreamReader reader = log.reader(first)) {
                assertEquals(first, reader.next().offset());
            }
        }
    }

    @Test
    void aNewSegmentSizeAppliesFromTheNextAppendAndLeavesSealedSegmentsAlone() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300);
        List<Long> before = segmentFileOffsets(dir);
        log.maxSegmentBytes(1_000_000);
        fill(log, 300);
        log.flush();
        assertEquals(before.size(), log.segmentCount(), "the segment being written grows on to the new size");
        log.maxSegmentBytes(600);
        log.append(header(1), body(1), 1, List.of());
        log.flush();
        assertEquals(before.size() + 1, log.segmentCount(), "a segment past the new size rolls at the next append");
        assertEquals(before, segmentFileOffsets(dir).subList(0, before.size()));
        log.maxSegmentBytes(0);
        assertTrue(log.maxSegmentBytes() > 0, "a size too small for a header is raised");
        try (StreamReader reader = log.reader(0)) {
            assertEquals(601, readAll(reader).size());
        }
    }

    @Test
    void readersStartAtFirstMiddleOrNextAndOutOfRangeOffsetsAreClamped() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300);
        try (StreamReader middle = log.reader(173)) {
            List<StreamRecord> rest = readAll(middle);
            assertEquals(173, rest.get(0).offset());
            assertEquals(300 - 173, rest.size());
        }
        try (StreamReader below = log.reader(-40)) {
            assertEquals(0, below.next().offset());
        }
        try (StreamReader atNext = log.reader(300); StreamReader beyond = log.reader(1_000_000)) {
            assertNull(atNext.next());
            assertEquals(300, beyond.position());
            assertTrue(!atNext.available());
            log.append(header(300), body(300), 1, List.of());
            log.flush();
            assertEquals(300, atNext.next().offset());
            assertEquals(300, beyond.next().offset());
        }
    }

    @Test
    void offsetAtFindsTheFirstMessageStampedAtOrAfterTheTime() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300); // offset o is stamped 1000 + 10 * o, across many segments
        assertEquals(0, log.offsetAt(0));
        assertEquals(0, log.offsetAt(1000));
        assertEquals(1, log.offsetAt(1001));
        assertEquals(150, log.offsetAt(2500));
        assertEquals(151, log.offsetAt(2505));
        assertEquals(299, log.offsetAt(3990));
        assertEquals(300, log.offsetAt(3991));
    }

    @Test
    void offsetAtIsExactWhenTheClockSteppedBack() throws IOException {
        log = StreamLog.open(dir, SMALL);
        long[] stamps = {100, 200, 300, 150, 160, 400, 170};
        for (long s : stamps) {
            log.append(new byte[0], new byte[10], s, List.of());
        }
        log.flush();
        assertEquals(2, log.offsetAt(250));
        assertEquals(1, log.offsetAt(160));
        assertEquals(5, log.offsetAt(350));
    }

    @Test
    void retentionByBytesDropsWholeOldestSegmentsButNeverTheActiveOne() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300);
        long before = log.bytes();
        int segmentsBefore = log.segmentCount();
        int dropped = log.enforce(before / 2, -1, -1, 0);
        assertTrue(dropped > 0);
        assertEquals(segmentsBefore - dropped, log.segmentCount());
        assertTrue(log.bytes() <= before / 2);
        assertEquals(segmentFileOffsets(dir).get(0), log.firstOffset(), "the stream starts at a segment boundary");
        assertEquals(300 - log.firstOffset(), log.count());
        try (StreamReader reader = log.reader(0)) {
            assertEquals(log.firstOffset(), reader.next().offset());
        }
        log.enforce(0, -1, -1, 0);
        assertEquals(1, log.segmentCount(), "the segment being written stays");
        assertEquals(segmentFileOffsets(dir).get(0), log.firstOffset());
        assertTrue(log.count() > 0);
    }

    @Test
    void retentionByCountKeepsAtMostThatManyMessagesInWholeSegments() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300);
        log.enforce(-1, -1, 100, 0);
        assertTrue(log.count() <= 100, "count " + log.count());
        assertEquals(300, log.nextOffset());
        assertEquals(300 - log.count(), log.firstOffset());
        assertEquals(segmentFileOffsets(dir).get(0), log.firstOffset());
    }

    @Test
    void retentionByAgeDropsSegmentsWhoseNewestMessageIsOlderThanTheLimit() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300); // stamped 1000 .. 3990
        long now = 10_000;
        // messages stamped before 2000 are older than 8000 ms at 10000
        log.enforce(-1, 8000, -1, now);
        long first = log.firstOffset();
        assertTrue(first > 0 && first <= 100, "first " + first);
        try (StreamReader reader = log.reader(first)) {
            StreamRecord oldestKept = reader.next();
            assertEquals(first, oldestKept.offset());
        }
        // the segment before the first kept one ended with a message older than the limit
        assertTrue(1000 + 10 * (first - 1) < now - 8000);
        assertEquals(0, log.enforce(-1, 8000, -1, now), "nothing more is old enough");
    }

    @Test
    void aReaderOnADroppedSegmentMovesToTheNewFirstOffsetAndCountsTheSkip() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 300);
        try (StreamReader reader = log.reader(0)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(i, reader.next().offset());
            }
            log.enforce(-1, -1, 150, 0);
            long first = log.firstOffset();
            assertTrue(first > 3);
            StreamRecord r = reader.next();
            assertEquals(first, r.offset());
            assertEquals(first - 3, reader.skipped());
            assertEquals(300 - first - 1, readAll(reader).size());
        }
    }

    @Test
    void aWaitingReaderIsToldWhenMoreIsWritten() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 10);
        try (StreamReader reader = log.reader(10)) {
            AtomicBoolean told = new AtomicBoolean();
            reader.onAvailable(() -> told.set(true));
            log.append(header(10), body(10), 0, List.of());
            assertTrue(!told.get(), "buffered appends are not readable yet");
            log.flush();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilTrue(told);
            assertTrue(reader.available());
            assertEquals(10, reader.next().offset());
            AtomicBoolean already = new AtomicBoolean();
            try (StreamReader behind = log.reader(0)) {
                behind.onAvailable(() -> already.set(true));
                assertTrue(already.get(), "a reader with messages waiting is told at once");
            }
        }
    }

    @Test
    void openingAStreamThatIsAlreadyOpenFailsNamingItsDirectory() throws IOException {
        log = StreamLog.open(dir, SMALL);
        IOException e = assertThrows(IOException.class, () -> StreamLog.open(dir, SMALL));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("already open"), e.getMessage());
        log.close();
        log = StreamLog.open(dir, SMALL);
        assertEquals(0, log.nextOffset());
    }

    @Test
    void theDurabilityListenerFiresOnceAnFsyncCoversTheAppends() throws IOException {
        log = StreamLog.open(dir, SMALL);
        fill(log, 50);
        DurableSignal durable = new DurableSignal();
        log.whenDurable(durable);
        durable.await();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log.durableOffset() == 50);
    }
}
