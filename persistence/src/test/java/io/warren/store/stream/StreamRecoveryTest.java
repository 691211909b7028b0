package io.warren.store.stream;

import static io.warren.store.stream.StreamLogTest.SMALL;
import static io.warren.store.stream.StreamLogTest.body;
import static io.warren.store.stream.StreamLogTest.fill;
import static io.warren.store.stream.StreamLogTest.header;
import static io.warren.store.stream.StreamLogTest.readAll;
import static io.warren.store.stream.StreamLogTest.segmentFileOffsets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamRecoveryTest {
    @TempDir
    Path dir;
    @TempDir
    Path crashed;

    private static void awaitDurable(StreamLog log) {
        DurableSignal durable = new DurableSignal();
        log.whenDurable(durable);
        durable.await();
    }

    /** What the disk holds at a crash: a copy of the files taken while the log is still open. */
    private void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    @Test
    void aSegmentCutMidRecordLosesOnlyTheTornTailNeverAConfirmedMessage() throws IOException {
        long confirmed;
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            fill(log, 100);
            awaitDurable(log);
            confirmed = log.durableOffset();
            assertEquals(100, confirmed);
            // written but never confirmed: these may go in a crash
            for (int i = 0; i < 5; i++) {
                log.append(header(100 + i), body(100 + i), 1, List.of());
            }
            log.flush();
            copyFiles(dir, crashed);
        }
        long lastSegment = segmentFileOffsets(crashed).get(segmentFileOffsets(crashed).size() - 1);
        Path file = crashed.resolve(StreamFormat.segmentName(lastSegment));
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 60); // the middle of the last record
        }
        try (StreamLog reopened = StreamLog.open(crashed, SMALL)) {
            assertEquals(104, reopened.nextOffset(), "only the torn record is gone");
            assertEquals(104, reopened.count());
            try (StreamReader reader = reopened.reader(0)) {
                List<StreamRecord> all = readAll(reader);
                assertEquals(104, all.size());
                for (int i = 0; i < confirmed; i++) {
                    assertEquals(i, all.get(i).offset());
                    assertArrayEquals(body(i), all.get(i).body());
                }
            }
            assertEquals(104, reopened.append(header(0), body(0), 1, List.of()), "appends continue after the cut");
        }
    }

    @Test
    void garbageAfterTheLastRecordIsCutAndAppendsContinueBehindIt() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            fill(log, 10);
        }
        Path file = dir.resolve(StreamFormat.segmentName(0));
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 10, 9, 9, 9}), size);
        }
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(size, Files.size(file));
            assertEquals(10, log.append(header(10), body(10), 1, List.of()));
            log.flush();
            try (StreamReader reader = log.reader(0)) {
                assertEquals(11, readAll(reader).size());
            }
        }
    }

    @Test
    void aReopenedStreamHasTheSameOffsetsSegmentsAndTimestamps() throws IOException {
        long bytes;
        int segments;
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            fill(log, 300);
            log.enforce(-1, -1, 250, 0);
            bytes = log.bytes();
            segments = log.segmentCount();
        }
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(segmentFileOffsets(dir).get(0), log.firstOffset());
            assertEquals(300, log.nextOffset());
            assertEquals(300 - log.firstOffset(), log.count());
            assertEquals(bytes, log.bytes());
            assertEquals(segments, log.segmentCount());
            assertEquals(151, log.offsetAt(2505));
            try (StreamReader reader = log.reader(222)) {
                assertEquals(222, reader.next().offset());
            }
            assertEquals(300, log.append(header(300), body(300), 4000, List.of()));
        }
    }

    @Test
    void aMissingOrDamagedIndexFileIsRebuiltFromItsSegment() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            fill(log, 300);
        }
        List<Long> firsts = segmentFileOffsets(dir);
        Path gone = dir.resolve(StreamFormat.indexName(firsts.get(1)));
        Path damaged = dir.resolve(StreamFormat.indexName(firsts.get(2)));
        Files.delete(gone);
        Files.write(damaged, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertTrue(Files.exists(gone));
            assertEquals(300, log.count());
            long inSecond = firsts.get(1) + 2;
            long inThird = firsts.get(2) + 3;
            assertEquals(inSecond, log.offsetAt(1000 + 10 * inSecond));
            try (StreamReader reader = log.reader(inThird)) {
                assertEquals(inThird, reader.next().offset());
            }
        }
        assertFalse(Files.exists(dir.resolve(StreamFormat.indexName(firsts.get(firsts.size() - 1)))),
                "the segment being written has no index file");
    }
}
