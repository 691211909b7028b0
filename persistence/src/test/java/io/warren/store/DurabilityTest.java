package io.warren.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurabilityTest {
    private static final long PATIENCE_SECONDS = 60;

    @TempDir
    Path dir;

    /** Counts down when durable; records failures. */
    static final class Latch implements DurabilityListener {
        final CountDownLatch done = new CountDownLatch(1);
        volatile IOException failure;
        volatile Thread calledOn;

        @Override
        public void durable() {
            calledOn = Thread.currentThread();
            done.countDown();
        }

        @Override
        public void failed(IOException cause) {
            failure = cause;
            done.countDown();
        }

        boolean await() throws InterruptedException {
            return done.await(PATIENCE_SECONDS, TimeUnit.SECONDS) && failure == null;
        }
    }

    @Test
    void aListenerCompletesOnceThePersistentRecordsBeforeItAreSynced() throws Exception {
        try (MessageStore store = MessageStore.open(dir, StoreSettings.defaults())) {
            QueueLog log = store.log("q");
            log.append(1, true, Records.payload(1, 100));
            log.flush();
            Latch latch = new Latch();
            log.whenDurable(latch);

            assertTrue(latch.await());
            assertTrue(store.syncStats().fsyncs() >= 1);
            assertTrue(store.syncStats().bytesSynced() >= 100);
        }
    }

    @Test
    void appendsMadeWhileAnFsyncRunsShareTheNextOne() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<FaultyChannel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();
        int logs = 4;
        int perLog = 250;
        try (MessageStore store = MessageStore.open(dir, StoreSettings.defaults(), (path, options) -> {
            FaultyChannel ch = new FaultyChannel(java.nio.channels.FileChannel.open(path, options));
            ch.forceGate = gate;
            channels.add(ch);
            return ch;
        })) {
            List<QueueLog> queues = new ArrayList<>();
            for (int l = 0; l < logs; l++) {
                queues.add(store.log("q" + l));
            }
            List<Latch> latches = new ArrayList<>();
            for (long s = 1; s <= perLog; s++) {
                for (QueueLog log : queues) {
                    log.append(s, true, Records.payload(s, 200));
                    log.flush();
                    Latch latch = new Latch();
                    log.whenDurable(latch);
                    latches.add(latch);
                }
            }
            gate.countDown(); // the first fsync (begun after the first append) may finish now
            for (Latch latch : latches) {
                assertTrue(latch.await());
            }
            long fsyncs = store.syncStats().fsyncs();
            assertTrue(fsyncs >= 1 && fsyncs <= 3, fsyncs + " fsync rounds for " + logs * perLog + " appends");
            assertEquals(logs * perLog * (RecordFormat.RECORD_HEADER_BYTES + 200L), store.syncStats().bytesSynced());
        }
    }

    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        int logs = 4;
        int perLog = 500;
        try (MessageStore store = MessageStore.open(dir, StoreSettings.defaults())) {
            List<Thread> writers = new ArrayList<>();
            CountDownLatch all = new CountDownLatch(logs * perLog);
            AtomicInteger failures = new AtomicInteger();
            for (int l = 0; l < logs; l++) {
                QueueLog log = store.log("q" + l);
                writers.add(new Thread(() -> {
                    try {
                        for (long s = 1; s <= perLog; s++) {
                            log.append(s, true, Records.payload(s, 200));
                            log.flush();
                            log.whenDurable(new DurabilityListener() {
                                @Override
                                public void durable() {
                                    all.countDown();
                                }

                                @Override
                                public void failed(IOException cause) {
                                    failures.incrementAndGet();
                                    all.countDown();
                                }
                            });
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }));
            }
            writers.forEach(Thread::start);
            for (Thread t : writers) {
                t.join();
            }
            assertTrue(all.await(PATIENCE_SECONDS, TimeUnit.SECONDS));
            assertEquals(0, failures.get());
            assertEquals(logs * perLog * (RecordFormat.RECORD_HEADER_BYTES + 200L), store.syncStats().bytesSynced());
        }
    }

    @Test
    void aListenerWithNothingPersistentUnsyncedRunsAtOnceOnTheCallersThread() throws Exception {
        try (MessageStore store = MessageStore.open(dir, StoreSettings.defaults())) {
            QueueLog log = store.log("q");
            Latch empty = new Latch();
            log.whenDurable(empty);
            assertEquals(Thread.currentThread(), empty.calledOn);

            log.append(1, false, Records.payload(1, 100));
            log.flush();
            Latch transientOnly = new Latch();
            log.whenDurable(transientOnly);
            assertEquals(Thread.currentThread(), transientOnly.calledOn);
            assertEquals(0, store.syncStats().fsyncs(), "non-persistent records never cause an fsync");
        }
    }

    @Test
    void appendsNotYetFlushedAreFlushedAndCoveredByTheListener() throws Exception {
        try (MessageStore store = MessageStore.open(dir, StoreSettings.defaults())) {
            QueueLog log = store.log("q");
            log.append(1, true, Records.payload(1, 100));
            Latch latch = new Latch();
            log.whenDurable(latch);
            assertTrue(latch.await());
            assertTrue(store.syncStats().bytesSynced() >= 100);
        }
    }

    @Test
    void listenersForRecordsInARolledOverSegmentComplete() throws Exception {
        try (MessageStore store = MessageStore.open(dir, new StoreSettings(2048, 0, 1 << 20, 0.1))) {
            QueueLog log = store.log("q");
            List<Latch> latches = new ArrayList<>();
            for (long s = 1; s <= 100; s++) {
                log.append(s, true, Records.payload(s, 100));
                if (s % 10 == 0) {
                    Latch latch = new Latch();
                    log.whenDurable(latch);
                    latches.add(latch);
                }
            }
            for (Latch latch : latches) {
                assertTrue(latch.await());
            }
        }
    }

    @Test
    void aSyncIntervalStillCompletesEveryListener() throws Exception {
        try (MessageStore store = MessageStore.open(dir, new StoreSettings(1 << 20, 2_000, 64 * 1024, 0.1))) {
            QueueLog log = store.log("q");
            List<Latch> latches = new ArrayList<>();
            for (long s = 1; s <= 200; s++) {
                log.append(s, true, Records.payload(s, 1000));
                Latch latch = new Latch();
                log.whenDurable(latch);
                latches.add(latch);
            }
            for (Latch latch : latches) {
                assertTrue(latch.await());
            }
            assertTrue(store.syncStats().fsyncs() < 200);
        }
    }

    @Test
    void closingTheStoreCompletesWaitingListeners() throws Exception {
        Latch latch = new Latch();
        try (MessageStore store = MessageStore.open(dir, new StoreSettings(1 << 20, 10_000_000, 1 << 30, 0.1))) {
            QueueLog log = store.log("q");
            log.append(1, true, Records.payload(1, 10));
            log.whenDurable(latch);
        }
        assertTrue(latch.await());
    }
}
