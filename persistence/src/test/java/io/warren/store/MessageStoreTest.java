package io.warren.store;

import static io.warren.store.Records.appendMany;
import static io.warren.store.Records.range;
import static io.warren.store.Records.readAll;
import static io.warren.store.Records.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageStoreTest {
    @TempDir
    Path dir;

    @Test
    void logsWithAnyNameAreListedAndKeptApart() throws IOException {
        List<String> names = List.of("/", "vhost/queue name", "ORDERS", "orders", "../../etc", "очередь 📦", "a".repeat(500));
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            long seq = 1;
            for (String name : names) {
                appendMany(store.log(name), seq, seq, true);
                seq++;
            }
        }
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            assertEquals(names.stream().sorted().toList(), store.logNames());
            long seq = 1;
            for (String name : names) {
                assertEquals(List.of(seq), seqs(readAll(store.log(name), 0)), name);
                seq++;
            }
        }
    }

    @Test
    void deletingALogRemovesItsDirectory() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("doomed");
            appendMany(log, 1, 100, true);
            appendMany(store.log("kept"), 1, 1, true);
            log.delete();

            assertFalse(Files.exists(LogDirectory.pathFor(dir, "doomed")));
            assertEquals(List.of("kept"), store.logNames());
            QueueLog again = store.log("doomed");
            assertEquals(-1, again.lastSeq(), "a log of the same name starts empty");
            again.close();
            store.deleteLog("doomed");
            assertEquals(List.of("kept"), store.logNames());
        }
    }

    @Test
    void aLogIsOpenedOnceAtATimeAndClosingReleasesIt() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            appendMany(log, 1, 5, true);

            assertThrows(IllegalStateException.class, () -> store.log("q"));
            assertThrows(IllegalStateException.class, () -> store.deleteLog("q"));
            log.close();
            assertEquals(range(1, 5), seqs(readAll(store.log("q"), 0)));
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            assertThrows(IOException.class, () -> MessageStore.open(dir, Records.smallSegments()));
        }
        MessageStore.open(dir, Records.smallSegments()).close();
    }

    @Test
    void closingTheStoreFlushesAndClosesOpenLogs() throws IOException {
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            log.append(1, true, Records.payload(1, Records.lengthOf(1)));
            log.append(2, true, Records.payload(2, Records.lengthOf(2)));
        }
        try (MessageStore store = MessageStore.open(dir, Records.smallSegments())) {
            QueueLog log = store.log("q");
            assertEquals(2, log.recoveredCount());
            assertTrue(log.recoveredBytes() > 0);
        }
    }
}
