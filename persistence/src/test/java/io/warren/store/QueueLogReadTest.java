package io.warren.store;

import static io.warren.store.Records.appendMany;
import static io.warren.store.Records.range;
import static io.warren.store.Records.readAll;
import static io.warren.store.Records.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueLogReadTest {
    @TempDir
    Path dir;
    MessageStore store;
    QueueLog log;

    @BeforeEach
    void open() throws IOException {
        store = MessageStore.open(dir, Records.smallSegments());
        log = store.log("orders");
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(LogDirectory.pathFor(dir, "orders"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("msgs.")).count();
        }
    }

    @Test
    void recordsAppendedAndFlushedAreReadBackInOrderAcrossSegmentRollovers() throws IOException {
        appendMany(log, 1, 500, true);

        assertTrue(segmentFiles() > 5, "500 records of ~170 bytes roll 4 KiB segments many times");
        assertEquals(range(1, 500), seqs(readAll(log, 0)));
        assertEquals(500, log.lastSeq());
    }

    @Test
    void recordsStillBufferedAreFlushedBeforeAReadSeesThem() throws IOException {
        log.append(1, false, Records.payload(1, Records.lengthOf(1)));
        log.append(5, true, Records.payload(5, Records.lengthOf(5)));

        List<Records.Read> reads = readAll(log, 0);

        assertEquals(List.of(1L, 5L), seqs(reads));
        assertEquals(false, reads.get(0).persistent());
        assertEquals(true, reads.get(1).persistent());
    }

    @Test
    void consecutiveReadsContinueWhereTheLastOneStopped() throws IOException {
        appendMany(log, 1, 300, true);
        List<Long> got = new ArrayList<>();
        long from = 1;
        int n;
        while ((n = log.read(from, 13, Long.MAX_VALUE, (s, p, d, b) -> got.add(s))) > 0) {
            assertTrue(n <= 13);
            from = got.get(got.size() - 1) + 1;
        }
        assertEquals(range(1, 300), got);

        appendMany(log, 301, 320, true);
        got.clear();
        log.read(from, 100, Long.MAX_VALUE, (s, p, d, b) -> got.add(s));
        assertEquals(range(301, 320), got, "the cursor at the end of the current segment sees later appends");
    }

    @Test
    void readStopsBeforeExceedingMaxBytesButAlwaysReturnsOneRecord() throws IOException {
        log.append(1, true, ByteBuffer.allocate(1000));
        log.append(2, true, ByteBuffer.allocate(1000));
        log.append(3, true, ByteBuffer.allocate(1000));
        List<Long> got = new ArrayList<>();

        assertEquals(1, log.read(0, 10, 10, (s, p, d, b) -> got.add(s)));
        assertEquals(2, log.read(2, 10, 2000, (s, p, d, b) -> got.add(s)));
        assertEquals(List.of(1L, 2L, 3L), got);
        assertEquals(0, log.read(4, 10, 2000, (s, p, d, b) -> got.add(s)));
    }

    @Test
    void aReadFromAnEarlierSeqFindsItsPlaceAgain() throws IOException {
        appendMany(log, 1, 400, true);
        readAll(log, 0);

        assertEquals(range(150, 400), seqs(readAll(log, 150)));
        assertEquals(range(1, 400), seqs(readAll(log, 0)));
    }

    @Test
    void recordsLargerThanTheReadChunkAreReadWhole() throws IOException {
        MessageStore big = MessageStore.open(dir.resolve("big"), new StoreSettings(1 << 20, 0, 1 << 20, 0.1));
        QueueLog l = big.log("big");
        l.append(1, true, Records.payload(1, 300_000));
        l.append(2, true, Records.payload(2, 5));
        List<Records.Read> reads = new ArrayList<>();
        l.read(0, 10, Long.MAX_VALUE, (s, p, d, b) -> reads.add(new Records.Read(s, p, d, b)));

        assertEquals(2, reads.size());
        assertEquals(Records.payload(1, 300_000), reads.get(0).payload());
        assertEquals(Records.payload(2, 5), reads.get(1).payload());
        big.close();
    }

    @Test
    void aPayloadInSeveralBuffersIsOneRecordAndTheCallersBuffersAreLeftAsTheyWere() throws IOException {
        ByteBuffer header = ByteBuffer.wrap(new byte[] {1, 2, 3});
        ByteBuffer body = ByteBuffer.allocateDirect(4).put(new byte[] {4, 5, 6, 7}).flip();
        log.append(1, true, header, body);
        log.flush();

        assertEquals(0, header.position());
        assertEquals(0, body.position());
        List<ByteBuffer> got = new ArrayList<>();
        log.read(0, 10, Long.MAX_VALUE, (s, p, d, b) -> got.add(b));
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7}), got.get(0));
    }

    @Test
    void sequenceNumbersMustIncrease() throws IOException {
        log.append(10, true, ByteBuffer.allocate(1));

        assertThrows(IllegalArgumentException.class, () -> log.append(10, true, ByteBuffer.allocate(1)));
        assertThrows(IllegalArgumentException.class, () -> log.append(3, true, ByteBuffer.allocate(1)));
    }
}
