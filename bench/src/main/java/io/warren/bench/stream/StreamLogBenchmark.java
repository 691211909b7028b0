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
 * the store's group commit fsyncing them) while a reader follows the tail; then reads them all with a reader
 * from the first offset. Prints messages per second for each, and the readers' largest read buffer. The stream
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
        AtomicLong tailRead = new AtomicLong();
        AtomicLong tailBuffer = new AtomicLong();
        AtomicReference<Throwable> tailFailure = new AtomicReference<>();
        Thread tail = new Thread(() -> follow(log, count, tailRead, tailBuffer, tailFailure), "tail-reader");
        tail.start();

        long start = System.nanoTime();
        // Appends reuse the same arrays: the log references them only until its next flush.
        for (long i = 0; i < count; i++) {
            log.append(header, body, System.currentTimeMillis(), List.of());
            if ((i + 1) % BATCH == 0) {
                log.flush();
            }
        }
        CountDownLatch durable = new CountDownLatch(1);
        log.whenDurable(new DurabilityListener() {
            @Override
            public void durable() {
                durable.countDown();
            }

            @Override
            public void failed(IOException cause) {
                cause.printStackTrace();
                durable.countDown();
            }
        });
        durable.await();
        long appended = System.nanoTime();
        tail.join();
        long tailDone = System.nanoTime();
        if (tailFailure.get() != null) {
            throw new IllegalStateException("the tail reader failed", tailFailure.get());
        }
        report("append (until fsynced)", count, appended - start);
        report("tail reader (concurrent)", tailRead.get(), tailDone - start);
        System.out.printf("stream: %,d messages, %,d bytes in %d segments; syncs %s%n", log.count(), log.bytes(),
                log.segmentCount(), log.durableOffset() == count ? "cover all" : "MISSING");

        long readStart = System.nanoTime();
        long read = 0;
        int maxBuffer = 0;
        try (StreamReader reader = log.reader(log.firstOffset())) {
            StreamRecord r;
            while ((r = reader.next()) != null) {
                if (r.offset() != read || r.body().length != size) {
                    throw new IllegalStateException("expected offset " + read + ", got " + r.offset());
                }
                read++;
                maxBuffer = Math.max(maxBuffer, reader.bufferedBytes());
            }
        }
        report("reader from first", read, System.nanoTime() - readStart);
        System.out.printf("read buffers: tail %,d bytes, from first %,d bytes%n", tailBuffer.get(), maxBuffer);
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
