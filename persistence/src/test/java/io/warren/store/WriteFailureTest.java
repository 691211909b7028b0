package io.warren.store;

import static io.warren.store.Records.appendMany;
import static io.warren.store.Records.range;
import static io.warren.store.Records.readAll;
import static io.warren.store.Records.seqs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk or a failing fsync, simulated through {@link FaultyChannel}. */
class WriteFailureTest {
    @TempDir
    Path dir;
    final List<FaultyChannel> channels = new ArrayList<>();

    private MessageStore open() throws IOException {
        return MessageStore.open(dir, new StoreSettings(1 << 20, 0, 1 << 20, 0.1), (path, options) -> {
            FaultyChannel ch = new FaultyChannel(FileChannel.open(path, options));
            channels.add(ch);
            return ch;
        });
    }

    @Test
    void aWriteFailureCutsTheSegmentBackToItsLastRecordAndTheLogStaysUsable() throws IOException {
        try (MessageStore store = open()) {
            QueueLog log = store.log("q");
            appendMany(log, 1, 10, true);
            Path segment = LogDirectory.pathFor(dir, "q").resolve(Segment.fileName(0));
            long goodSize = Files.size(segment);

            channels.get(0).writeBudget.set(500); // the disk fills part way through the next batch
            for (long s = 11; s <= 20; s++) {
                log.append(s, true, Records.payload(s, Records.lengthOf(s)));
            }
            IOException e = assertThrows(IOException.class, log::flush);
            assertTrue(e.getMessage().contains("10 records were not stored"), e.getMessage());
            assertEquals(goodSize, Files.size(segment), "no partial record is left behind");
            assertEquals(range(1, 10), seqs(readAll(log, 0)));

            channels.get(0).writeBudget.set(-1); // space again
            appendMany(log, 21, 25, true);
            List<Long> expected = range(1, 10);
            expected.addAll(range(21, 25));
            assertEquals(expected, seqs(readAll(log, 0)));
        }
        try (MessageStore store = MessageStore.open(dir, StoreSettings.defaults())) {
            List<Long> expected = range(1, 10);
            expected.addAll(range(21, 25));
            assertEquals(expected, seqs(readAll(store.log("q"), 0)));
        }
    }

    @Test
    void aFailedFsyncFailsTheWaitingListenersAndLaterAppends() throws Exception {
        try (MessageStore store = open()) {
            QueueLog log = store.log("q");
            log.append(1, true, Records.payload(1, 10));
            channels.get(0).failForce.set(true);
            log.flush();
            AtomicReference<IOException> failure = new AtomicReference<>();
            CountDownLatch told = new CountDownLatch(1);
            log.whenDurable(new DurabilityListener() {
                @Override
                public void durable() {
                    told.countDown();
                }

                @Override
                public void failed(IOException cause) {
                    failure.set(cause);
                    told.countDown();
                }
            });

            assertTrue(told.await(30, TimeUnit.SECONDS));
            assertEquals("Input/output error", failure.get().getMessage());
            assertThrows(IOException.class, () -> log.append(2, true, Records.payload(2, 10)));
            AtomicReference<IOException> late = new AtomicReference<>();
            log.whenDurable(new DurabilityListener() {
                @Override
                public void durable() {
                }

                @Override
                public void failed(IOException cause) {
                    late.set(cause);
                }
            });
            assertEquals(failure.get(), late.get(), "a listener registered later is failed at once");
            assertThrows(IOException.class, log::close);
        }
    }
}
