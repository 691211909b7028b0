package io.warren.store;

import static io.warren.store.Records.appendMany;
import static io.warren.store.Records.range;
import static io.warren.store.Records.readAll;
import static io.warren.store.Records.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
    @TempDir
    Path dir;

    /** Copies the store's files as they are now, as a crash would leave them (the source stays open). */
    private static Path crashCopy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                try {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else if (!f.getFileName().toString().equals("store.lock")) {
                        Files.copy(f, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return to;
    }

    private static TreeMap<Long, Path> segments(Path storeDir, String log) throws IOException {
        TreeMap<Long, Path> segs = new TreeMap<>();
        try (Stream<Path> files = Files.list(LogDirectory.pathFor(storeDir, log))) {
            files.filter(f -> f.getFileName().toString().startsWith("msgs."))
                    .forEach(f -> segs.put(Long.parseLong(f.getFileName().toString().substring(5)), f));
        }
        return segs;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) ~b.get(0)).rewind();
            ch.write(b, offset);
        }
    }

    @Test
    void reopenRecoversExactlyTheLivePersistentRecordsWithDeliveredMarksAndLastSeq() throws IOException {
        long expectedBytes = 0;
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            for (long s = 1; s <= 200; s++) {
                log.append(s, s % 3 != 0, Records.payload(s, Records.lengthOf(s)));
            }
            log.append(210, false, Records.payload(210, 5));
            log.flush();
            log.ack(1);
            log.ack(2);
            log.markDelivered(4);
            log.markDelivered(5);
            log.ack(5);
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 3; s <= 200; s++) {
            if (s % 3 != 0 && s != 5) {
                expected.add(s);
                expectedBytes += Records.lengthOf(s);
            }
        }
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            assertEquals(expected.size(), log.recoveredCount());
            assertEquals(expectedBytes, log.recoveredBytes());
            assertEquals(210, log.lastSeq(), "the last seq counts non-persistent records too");
            List<Records.Read> reads = readAll(log, 0);
            assertEquals(expected, seqs(reads), "non-persistent and acked records are gone");
            assertEquals(4, reads.get(0).seq());
            assertTrue(reads.get(0).delivered(), "seq 4 was delivered");
            assertFalse(reads.get(1).delivered(), "seq 7 was not");
            reads.forEach(r -> assertTrue(r.persistent()));
        }
    }

    @Test
    void recordsAppendedBeforeACrashAreReadBackInOrder() throws IOException {
        MessageStore store = MessageStore.open(dir.resolve("live"), Records.smallSegments());
        QueueLog log = store.log("q");
        appendMany(log, 1, 250, true);
        log.ack(7);
        log.flush();
        Path copy = crashCopy(dir.resolve("live"), dir.resolve("crashed"));
        store.close();

        try (MessageStore recovered = MessageStore.open(copy, Records.smallSegments())) {
            QueueLog l = recovered.log("q");
            List<Long> expected = range(1, 250);
            expected.remove(Long.valueOf(7));
            assertEquals(expected, seqs(readAll(l, 0)));
            assertEquals(249, l.recoveredCount());
            assertEquals(250, l.lastSeq());
        }
    }

    @Test
    void appendsAfterReopeningGoToANewSegmentAndBothAreRead() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            appendMany(store.log("q"), 1, 3, true);
        }
        long lastBefore = segments(dir, "q").lastKey();
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            appendMany(log, 4, 6, true);
            assertEquals(lastBefore + 1, segments(dir, "q").lastKey());
            assertEquals(range(1, 6), seqs(readAll(log, 0)));
        }
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            assertEquals(range(1, 6), seqs(readAll(store.log("q"), 0)));
        }
    }

    @Test
    void aTailTruncatedPartwayThroughTheLastRecordIsCutAndEverythingBeforeSurvives() throws IOException {
        MessageStore store = MessageStore.open(dir.resolve("live"), Records.smallSegments());
        appendMany(store.log("q"), 1, 100, true);
        Path copy = crashCopy(dir.resolve("live"), dir.resolve("crashed"));
        store.close();
        Path last = segments(copy, "q").lastEntry().getValue();
        long size = Files.size(last);
        truncate(last, size - 7);

        try (MessageStore recovered = MessageStore.open(copy, Records.smallSegments())) {
            QueueLog log = recovered.log("q");
            assertEquals(range(1, 99), seqs(readAll(log, 0)));
            assertEquals(99, log.lastSeq());
        }
        long lastRecord = RecordFormat.RECORD_HEADER_BYTES + Records.lengthOf(100);
        assertEquals(size - lastRecord + RecordFormat.FOOTER_BYTES, Files.size(last),
                "cut back to the end of record 99, then sealed with a footer");
    }

    @Test
    void aFlippedByteInTheLastRecordCutsThatRecordOnly() throws IOException {
        MessageStore store = MessageStore.open(dir.resolve("live"), Records.smallSegments());
        appendMany(store.log("q"), 1, 100, true);
        Path copy = crashCopy(dir.resolve("live"), dir.resolve("crashed"));
        store.close();
        Path last = segments(copy, "q").lastEntry().getValue();
        flipByte(last, Files.size(last) - 3);

        try (MessageStore recovered = MessageStore.open(copy, Records.smallSegments())) {
            assertEquals(range(1, 99), seqs(readAll(recovered.log("q"), 0)));
        }
    }

    @Test
    void aCorruptRecordInTheMiddleIsSkippedAndTheRestIsRead() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            appendMany(store.log("q"), 1, 10, true);
        }
        Path seg = segments(dir, "q").firstEntry().getValue();
        long offsetOfSeq3Payload = RecordFormat.SEGMENT_HEADER_BYTES + 3L * RecordFormat.RECORD_HEADER_BYTES
                + Records.lengthOf(1) + Records.lengthOf(2);
        flipByte(seg, offsetOfSeq3Payload + 2);

        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            List<Long> expected = range(1, 10);
            expected.remove(Long.valueOf(3));
            assertEquals(expected, seqs(readAll(store.log("q"), 0)));
        }
    }

    @Test
    void aGarbageTailOnAnAckFileIsIgnored() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            appendMany(log, 1, 10, true);
            log.ack(2);
            log.ack(4);
        }
        Path acks = LogDirectory.pathFor(dir, "q").resolve(Segment.ackFileName(segments(dir, "q").firstKey()));
        Files.write(acks, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                23, 24, 25, 26, 27, 28, 29, 30, 31}, StandardOpenOption.APPEND);

        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            assertEquals(List.of(1L, 3L, 5L, 6L, 7L, 8L, 9L, 10L), seqs(readAll(log, 0)));
            log.ack(5); // appends after the cut tail stay aligned
        }
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            assertEquals(List.of(1L, 3L, 6L, 7L, 8L, 9L, 10L), seqs(readAll(store.log("q"), 0)));
        }
    }

    @Test
    void theLastSeqSurvivesWhenEveryRecordWasAcked() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            appendMany(log, 1, 300, true);
            for (long s = 1; s <= 300; s++) {
                log.ack(s);
            }
        }
        for (int reopen = 0; reopen < 3; reopen++) {
            try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
                QueueLog log = store.log("q");
                assertEquals(300, log.lastSeq());
                assertEquals(0, log.recoveredCount());
                assertEquals(List.of(), readAll(log, 0));
            }
        }
        assertTrue(segments(dir, "q").size() <= 1, "dead segments are deleted, at most one kept for its last seq");
    }

    @Test
    void segmentsWithoutFootersAreScannedAndSealed() throws IOException {
        MessageStore store = MessageStore.open(dir.resolve("live"), Records.smallSegments());
        QueueLog log = store.log("q");
        appendMany(log, 1, 100, true);
        Path copy = crashCopy(dir.resolve("live"), dir.resolve("crashed"));
        store.close();
        // Strip every footer, as if each rollover had crashed before its footer reached the disk.
        for (Path seg : segments(copy, "q").values()) {
            long size = Files.size(seg);
            ByteBuffer tail = ByteBuffer.allocate(RecordFormat.FOOTER_BYTES);
            try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
                FileIo.readFully(ch, tail, size - RecordFormat.FOOTER_BYTES);
            }
            if (RecordFormat.Footer.decode(tail.flip(), Long.parseLong(seg.getFileName().toString().substring(5)),
                    size) != null) {
                truncate(seg, size - RecordFormat.FOOTER_BYTES);
            }
        }
        try (MessageStore recovered = MessageStore.open(copy, Records.smallSegments())) {
            QueueLog l = recovered.log("q");
            assertEquals(100, l.recoveredCount());
            assertEquals(range(1, 100), seqs(readAll(l, 0)));
        }
    }

    @Test
    void aCrashAtAnyByteOfTheLastSegmentKeepsAnIntactPrefix() throws IOException {
        MessageStore store = MessageStore.open(dir.resolve("live"), Records.smallSegments());
        appendMany(store.log("q"), 1, 120, true);
        Path snapshot = crashCopy(dir.resolve("live"), dir.resolve("snapshot"));
        store.close();
        Path last = segments(snapshot, "q").lastEntry().getValue();
        long size = Files.size(last);
        Random random = new Random(42);
        for (int round = 0; round < 25; round++) {
            long cut = round == 0 ? 0 : random.nextLong(size + 1);
            Path copy = crashCopy(snapshot, dir.resolve("crash" + round));
            truncate(segments(copy, "q").lastEntry().getValue(), cut);
            try (MessageStore recovered = MessageStore.open(copy, Records.smallSegments())) {
                QueueLog log = recovered.log("q");
                List<Long> got = seqs(readAll(log, 0));
                assertFalse(got.isEmpty(), "the sealed segments survive whatever happens to the last one");
                assertEquals(range(1, got.size()), got, "a prefix survives intact (cut at " + cut + ")");
                assertEquals(got.size(), log.recoveredCount());
                appendMany(log, 1000, 1001, true); // and the log goes on
            }
        }
    }
}
