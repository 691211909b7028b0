package io.warren.bench.stream;

import io.warren.store.DurabilityListener;
import io.warren.store.GroupCommitter;
import io.warren.store.StoreSettings;
import io.warren.store.stream.StreamLog;
import io.warren.store.stream.StreamReader;
import io.warren.store.stream.StreamRecord;
import io.warren.store.stream.StreamSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Appends COUNT messages of SIZE bytes to one stream log (flushing every 64, as a stream queue would per batch,
 * the store's group commit fsyncing them) while a reader follows the tail; then a reader from the first offset
 * reads those COUNT while COUNT/10 more are appended and the tail reader follows them. Prints messages per second
 * for each, and the readers' largest read buffer. The stream
 * lives in a temporary directory under DIR (default: the system's), deleted at the end.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.warren.bench.stream.StreamLogBenchmark COUNT SIZE [DIR]</pre>
 */
public final class StreamLogBenchmark {
    private static final int BATCH = 64;

    private StreamLogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: StreamLogBenchmark COUNT SIZE [DIR]");
            System.exit(2);
        }
        long count = Long.parseLong(args[0]);
        int size = Integer.parseInt(args[1]);
        Path parent = args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(parent, "warren-stream-bench");
        GroupCommitter committer = new GroupCommitter("bench-sync", StoreSettings.defaults());
        committer.start();
        try (StreamLog log = StreamLog.open(dir, StreamSettings.defaults(), committer)) {
            run(log, count, size);
        } finally {
            committer.stop();
            deleteTree(dir);
        }
    }

    private static void run(StreamLog log, long count, int size) throws Exception {
        byte[] header = new byte[32];
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) i;
        }
        long extra = Math.max(1, count / 10);
        AtomicLong tailRead = new AtomicLong();
        AtomicLong tailBuffer = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread tail = new Thread(() -> follow(log, count + extra, tailRead, tailBuffer, failure), "tail-reader");
        tail.start();

        // Phase 1: append COUNT while the tail reader follows.
        long start = System.nanoTime();
        append(log, header, body, count);
        long appended = System.nanoTime();
        Poll.until(() -> tailRead.get() >= count || failure.get() != null);
        long tailCaughtUp = System.nanoTime();
        check(failure);
        report("append (until fsynced)", count, appended - start);
        report("tail reader (concurrent)", count, tailCaughtUp - start);
        System.out.printf("stream: %,d messages, %,d bytes in %d segments; durable offset %,d%n", log.count(),
                log.bytes(), log.segmentCount(), log.durableOffset());

        // Phase 2: a reader from the first offset reads those COUNT while COUNT/10 more are appended and followed.
        AtomicLong firstRead = new AtomicLong();
        AtomicLong firstBuffer = new AtomicLong();
        long[] firstDone = new long[1];
        Thread fromFirst = new Thread(() -> {
            try (StreamReader reader = log.reader(log.firstOffset())) {
                while (firstRead.get() < count) {
                    StreamRecord r = reader.next();
                    if (r == null) {
                        throw new IllegalStateException("the stream ended at " + firstRead.get());
                    }
                    if (r.offset() != firstRead.get() || r.body().length != size) {
                        throw new IllegalStateException("expected offset " + firstRead.get() + ", got " + r.offset());
                    }
                    firstRead.incrementAndGet();
                    firstBuffer.accumulateAndGet(reader.bufferedBytes(), Math::max);
                }
                firstDone[0] = System.nanoTime();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "reader-from-first");
        long phase2 = System.nanoTime();
        fromFirst.start();
        append(log, header, body, extra);
        long extraAppended = System.nanoTime();
        tail.join();
        long tailDone = System.nanoTime();
        fromFirst.join();
        check(failure);
        report("reader from first", count, firstDone[0] - phase2);
        report("append meanwhile", extra, extraAppended - phase2);
        report("tail reader meanwhile", extra, tailDone - phase2);
        System.out.printf("largest read buffer: tail %,d bytes, from first %,d bytes; heap in use %,d MiB%n",
                tailBuffer.get(), firstBuffer.get(),
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    }

    /** Appends n messages, flushing every BATCH, and waits for the fsync that covers the last. */
    private static void append(StreamLog log, byte[] header, byte[] body, long n) throws Exception {
        // The same arrays every time: the log references them only until its next flush.
        for (long i = 0; i < n; i++) {
            log.append(header, body, System.currentTimeMillis(), List.of());
            if ((i + 1) % BATCH == 0) {
                log.flush();
            }
        }
        CountDownLatch durable = new CountDownLatch(1);
        AtomicReference<IOException> failed = new AtomicReference<>();
        log.whenDurable(new DurabilityListener() {
            @Override
            public void durable() {
                durable.countDown();
            }

            @Override
            public void failed(IOException cause) {
                failed.set(cause);
                durable.countDown();
            }
        });
        durable.await();
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private static void check(AtomicReference<Throwable> failure) {
        if (failure.get() != null) {
            throw new IllegalStateException("a reader failed", failure.get());
        }
    }

    /** Polls without a test library: the bench jar has none. */
    private static final class Poll {
        static void until(java.util.function.BooleanSupplier done) {
            while (!done.getAsBoolean()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    private static void follow(StreamLog log, long count, AtomicLong read, AtomicLong buffer,
                               AtomicReference<Throwable> failure) {
        Thread me = Thread.currentThread();
        try (StreamReader reader = log.reader(log.nextOffset())) {
            while (read.get() < count) {
                StreamRecord r = reader.next();
                if (r == null) {
                    reader.onAvailable(() -> LockSupport.unpark(me));
                    if (!reader.available()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                    continue;
                }
                if (r.offset() != read.get()) {
                    throw new IllegalStateException("expected offset " + read.get() + ", got " + r.offset());
                }
                read.incrementAndGet();
                buffer.accumulateAndGet(reader.bufferedBytes(), Math::max);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static void report(String what, long messages, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf("%-26s %,12d msgs in %7.2f s = %,10.0f msg/s%n", what, messages, seconds, messages / seconds);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
