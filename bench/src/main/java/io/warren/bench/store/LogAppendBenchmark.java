package io.warren.bench.store;

import io.warren.store.MessageStore;
import io.warren.store.QueueLog;
import io.warren.store.StoreSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appending one 1 KiB record to a queue log, with a flush (one gathering write) every 64 records, as a queue
 * flushes once per batch. No fsync is waited for: this is the cost on the queue's own thread. Each iteration
 * starts a fresh log and deletes it afterwards, so a run leaves no gigabytes behind; keep iterations short.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogAppendBenchmark {
    private static final int BATCH = 64;

    /** Direct buffers are written without a copy; heap ones pass through the JDK's temporary direct buffer. */
    @Param({"direct", "heap"})
    public String payloadKind;

    @Param({"true", "false"})
    public boolean persistent;

    private Path dir;
    private MessageStore store;
    private QueueLog log;
    private ByteBuffer payload;
    private long seq;

    @Setup(Level.Trial)
    public void openStore() throws IOException {
        dir = Files.createTempDirectory("warren-log-bench");
        store = MessageStore.open(dir, StoreSettings.defaults());
        payload = "direct".equals(payloadKind) ? ByteBuffer.allocateDirect(1024) : ByteBuffer.allocate(1024);
        for (int i = 0; i < 1024; i++) {
            payload.put(i, (byte) i);
        }
    }

    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        log = store.log("bench");
        seq = 0;
    }

    @TearDown(Level.Iteration)
    public void deleteLog() throws IOException {
        log.delete();
    }

    @TearDown(Level.Trial)
    public void closeStore() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public long appendAndFlushEvery64() throws IOException {
        long s = ++seq;
        log.append(s, persistent, payload);
        if (s % BATCH == 0) {
            log.flush();
        }
        return s;
    }
}
