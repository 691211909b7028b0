package io.warren.store.stream;

import static io.warren.store.stream.StreamLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetTrackingTest {
    @TempDir
    Path dir;

    private static void awaitDurable(OffsetTracking tracking) {
        DurableSignal durable = new DurableSignal();
        tracking.whenDurable(durable);
        durable.await();
    }

    @Test
    void storedOffsetsAreFsyncedAndReadBackAfterReopening() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            log.tracking().store("reader-a", 10);
            log.tracking().store("reader-b", 3);
            log.tracking().store("reader-a", 12);
            awaitDurable(log.tracking());
            assertEquals(OptionalLong.of(12), log.tracking().get("reader-a"));
        }
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(Map.of("reader-a", 12L, "reader-b", 3L), log.tracking().all());
            assertEquals(OptionalLong.empty(), log.tracking().get("nobody"));
        }
    }

    @Test
    void frequentUpdatesCompactTheFileToOneEntryPerNameAndKeepTheLatest() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            for (int i = 0; i < 20_000; i++) {
                log.tracking().store("consumer-" + (i % 3), i);
                if (i % 100 == 0) {
                    log.tracking().flush();
                }
            }
            awaitDurable(log.tracking());
            assertTrue(log.tracking().entries() < 2000, "entries " + log.tracking().entries());
            assertTrue(Files.size(dir.resolve(OffsetTracking.FILE)) < 2000 * 40);
        }
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(Map.of("consumer-0", 19_998L, "consumer-1", 19_999L, "consumer-2", 19_997L),
                    log.tracking().all());
            log.tracking().compact();
            assertEquals(3, log.tracking().entries());
        }
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(19_999L, log.tracking().get("consumer-1").getAsLong());
        }
    }

    @Test
    void aTornLastEntryIsCutAndTheEntriesBeforeItKept() throws IOException {
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            log.tracking().store("a", 5);
        }
        Files.write(dir.resolve(OffsetTracking.FILE), new byte[] {0, 0, 0, 20, 7, 7}, StandardOpenOption.APPEND);
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(Map.of("a", 5L), log.tracking().all());
            log.tracking().store("b", 6);
        }
        try (StreamLog log = StreamLog.open(dir, SMALL)) {
            assertEquals(Map.of("a", 5L, "b", 6L), log.tracking().all());
        }
    }
}
