package io.warren.store;

import static io.warren.store.Records.appendMany;
import static io.warren.store.Records.range;
import static io.warren.store.Records.readAll;
import static io.warren.store.Records.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AckAndCompactionTest {
    @TempDir
    Path dir;
    MessageStore store;
    QueueLog log;

    @BeforeEach
    void open() throws IOException {
        store = MessageStore.open(dir, Records.smallSegments());
        log = store.log("q");
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    /** Segment number -> size of the msgs file. */
    private TreeMap<Long, Long> segmentFiles() throws IOException {
        TreeMap<Long, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.list(LogDirectory.pathFor(dir, "q"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.startsWith("msgs.") && !name.endsWith(".tmp")) {
                    sizes.put(Long.parseLong(name.substring(5)), Files.size(f));
                }
            }
        }
        return sizes;
    }

    private boolean ackFileExists(long segment) {
        return Files.exists(LogDirectory.pathFor(dir, "q").resolve(Segment.ackFileName(segment)));
    }

    @Test
    void anAckForASeqThatWasNeverWrittenLeavesTheSegmentsLiveRecordsAlone() throws IOException {
        // seqs have gaps (a queue logs only some of its messages); 2 was never written, e.g. its write failed.
        // Two large records fill the first segment, so a wrong count would delete it with 3 still live.
        log.append(1, true, Records.payload(1, 2050));
        log.append(3, true, Records.payload(3, 2050));
        appendMany(log, 4, 10, true);
        log.ack(2);
        log.ack(1);
        log.flush();
        store.close();

        store = MessageStore.open(dir, Records.smallSegments());
        log = store.log("q");
        List<Long> left = new ArrayList<>();
        log.read(0, 100, Long.MAX_VALUE, (seq, persistent, delivered, payload) -> left.add(seq));
        assertEquals(range(3, 10), left, "the record of seq 3 was never acked");
    }

    @Test
    void ackedRecordsAreNotReadAgain() throws IOException {
        appendMany(log, 1, 50, true);
        for (long s = 1; s <= 50; s += 2) {
            log.ack(s);
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 2; s <= 50; s += 2) {
            expected.add(s);
        }
        assertEquals(expected, seqs(readAll(log, 0)));
    }

    @Test
    void fullyAckedSealedSegmentsAreDeletedWithTheirAckFiles() throws IOException {
        appendMany(log, 1, 300, true);
        TreeMap<Long, Long> before = segmentFiles();
        long first = before.firstKey();

        for (long s = 1; s <= 150; s++) {
            log.ack(s);
        }
        log.flush();

        TreeMap<Long, Long> after = segmentFiles();
        assertTrue(after.size() < before.size(), "segments whose records are all acked are gone: " + after);
        assertFalse(after.containsKey(first));
        assertFalse(ackFileExists(first));
        assertEquals(range(151, 300), seqs(readAll(log, 0)));
    }

    @Test
    void theCurrentSegmentStaysWhenAllOfItIsAcked() throws IOException {
        appendMany(log, 1, 3, true);
        log.ack(1);
        log.ack(2);
        log.ack(3);

        assertEquals(1, segmentFiles().size());
        assertEquals(List.of(), readAll(log, 0));
        appendMany(log, 4, 4, true);
        assertEquals(List.of(4L), seqs(readAll(log, 0)));
    }

    @Test
    void aSparseSealedSegmentIsCompactedAndReadsReturnExactlyTheLiveRecords() throws IOException {
        appendMany(log, 1, 300, true);
        TreeMap<Long, Long> before = segmentFiles();
        long first = before.firstKey();
        log.markDelivered(5);
        log.markDelivered(6);
        // Keep only seqs 5 and 10 of the first segment (4 KiB holds ~22 records): below the 25% threshold.
        for (long s = 1; s <= 20; s++) {
            if (s != 5 && s != 10) {
                log.ack(s);
            }
        }
        log.flush();

        TreeMap<Long, Long> after = segmentFiles();
        assertTrue(after.get(first) < before.get(first) / 2, "segment " + first + " was rewritten smaller: "
                + before.get(first) + " -> " + after.get(first));
        List<Records.Read> reads = readAll(log, 0);
        List<Long> expected = new ArrayList<>(List.of(5L, 10L));
        expected.addAll(range(21, 300));
        assertEquals(expected, seqs(reads));
        assertTrue(reads.get(0).delivered(), "delivered marks of survivors are kept");
        assertFalse(reads.get(1).delivered());

        store.close();
        store = MessageStore.open(dir, Records.smallSegments());
        log = store.log("q");
        assertEquals(expected, seqs(readAll(log, 0)), "the compacted segment recovers the same records");
        assertTrue(readAll(log, 0).get(0).delivered());
        assertEquals(expected.size(), log.recoveredCount());
    }

    @Test
    void compactionDoesNotDisturbAReadInProgress() throws IOException {
        appendMany(log, 1, 300, true);
        List<Long> got = new ArrayList<>();
        log.read(0, 3, Long.MAX_VALUE, (s, p, d, b) -> got.add(s)); // cursor now inside the first segment
        for (long s = 1; s <= 20; s++) {
            if (s != 10 && s != 12) {
                log.ack(s);
            }
        }
        int n;
        while ((n = log.read(got.get(got.size() - 1) + 1, 5, Long.MAX_VALUE, (s, p, d, b) -> got.add(s))) > 0) {
            assertTrue(n <= 5);
        }
        List<Long> expected = new ArrayList<>(List.of(1L, 2L, 3L, 10L, 12L));
        expected.addAll(range(21, 300));
        assertEquals(expected, got);
    }

    @Test
    void aSinkThatAcksWhatItReadsDeletesSegmentsOnlyAfterTheRead() throws IOException {
        appendMany(log, 1, 300, true);
        List<Long> got = new ArrayList<>();
        long from = 0;
        while (log.read(from, 50, Long.MAX_VALUE, (s, p, d, b) -> {
            got.add(s);
            try {
                log.ack(s);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }) > 0) {
            from = got.get(got.size() - 1) + 1;
        }
        assertEquals(range(1, 300), got);
        assertEquals(1, segmentFiles().size(), "only the current segment is left");
    }

    @Test
    void ackFromPurgesEveryRecordFromTheSeqOnwardsAndLaterAppendsAreLive() throws IOException {
        appendMany(log, 1, 300, true);
        log.ack(3);
        int before = segmentFiles().size();

        log.ackFrom(100);

        assertTrue(segmentFiles().size() < before, "segments entirely after seq 100 are gone");
        appendMany(log, 301, 305, true);
        List<Long> expected = new ArrayList<>(range(1, 99));
        expected.remove(Long.valueOf(3));
        expected.addAll(range(301, 305));
        assertEquals(expected, seqs(readAll(log, 0)));

        store.close();
        store = MessageStore.open(dir, Records.smallSegments());
        log = store.log("q");
        assertEquals(expected, seqs(readAll(log, 0)), "the purge survives a reopen");
        assertEquals(305, log.lastSeq());
    }

    @Test
    void ackingTwiceOrAckingAnUnknownSeqChangesNothing() throws IOException {
        appendMany(log, 1, 300, true);
        for (long s = 1; s <= 10; s++) {
            log.ack(s);
            log.ack(s);
        }
        log.ack(100_000);
        log.ack(-5);

        assertEquals(range(11, 300), seqs(readAll(log, 0)));
    }
}
