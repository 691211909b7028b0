package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.QueueKey;
import io.warren.cluster.quorum.state.ShardState;
import io.warren.cluster.quorum.state.SnapshotCodec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's install of another replica's snapshot when Ratis tells it to (notify mode: the leader no longer has the
 * log entries it needs). The state and the bodies it holds live are fetched into a staging directory beside the
 * replica's own ({@code <group>/install}); only once all of it is on disk is it marked ready, and only when Ratis
 * reloads the paused state machine does it replace the replica's bodies and join its snapshots. A crash during the
 * fetch leaves the replica as it was; a crash during the swap is finished at the next start.
 */
final class SnapshotFetch {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFetch.class);
    /** The staging directory, inside the group's directory. */
    static final String DIR = "install";
    private static final String READY = "ready";
    private static final String SNAPSHOT = "snapshot";
    /** msgIds asked for at once; the answer carries as many as fit in {@link SnapshotSource#BODY_BYTES}. */
    private static final int IDS_PER_ASK = 1024;
    /** How long one answer may take before the fetch is given up (Ratis asks again at its next notice). */
    private static final long ANSWER_WAIT_S = 60;

    private final SnapshotSource source;
    private final RaftGroupId group;
    private final Path groupDir;
    private final String who;
    private CompletableFuture<TermIndex> running;

    SnapshotFetch(SnapshotSource source, RaftGroupId group, Path groupDir, String who) {
        this.source = source;
        this.group = group;
        this.groupDir = groupDir;
        this.who = who;
    }

    /**
     * Starts fetching node's latest snapshot on a thread of its own (or returns the fetch already running); the
     * future gives the snapshot's term and index once it is staged. firstIndex: the first entry the leader's log
     * still has, which the snapshot must reach.
     */
    synchronized CompletableFuture<TermIndex> start(String node, long firstIndex) {
        if (running != null && !running.isDone()) {
            return running;
        }
        CompletableFuture<TermIndex> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(fetch(node, firstIndex));
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: fetching the snapshot from node {} failed: {}; Ratis asks again", who, node,
                        e.toString());
                f.completeExceptionally(e);
            }
        }, "warren-shard-fetch-" + group.getUuid());
        t.setDaemon(true);
        running = f;
        t.start();
        return f;
    }

    private TermIndex fetch(String node, long firstIndex) throws IOException {
        long started = System.nanoTime();
        Path dir = groupDir.resolve(DIR);
        deleteTree(dir);
        Files.createDirectories(dir);
        SnapshotSource.StateChunk first = await(source.state(node, group, null, 0));
        TermIndex at = first.at();
        if (at.getIndex() + 1 < firstIndex) {
            throw new IOException("node " + node + "'s latest snapshot is at " + at + ", behind its log's first "
                    + "entry " + firstIndex);
        }
        if (first.total() > Integer.MAX_VALUE - 8) {
            throw new IOException("node " + node + "'s snapshot state of " + first.total() + " bytes is too large");
        }
        byte[] bytes = new byte[(int) first.total()];
        int filled = copy(first, bytes, 0);
        while (filled < bytes.length) {
            SnapshotSource.StateChunk next = await(source.state(node, group, at, filled));
            if (!next.at().equals(at) || next.bytes().length == 0) {
                throw new IOException("node " + node + " answered for the snapshot at " + next.at() + " with "
                        + next.bytes().length + " bytes, not the rest of the one at " + at);
            }
            filled = copy(next, bytes, filled);
        }
        ShardState state = SnapshotCodec.decode(ByteBuffer.wrap(bytes)); // refuses damaged bytes before they count
        long releasedBy = -1;
        long stored = 0;
        long gone = 0;
        try (SideStore store = SideStore.open(dir.resolve(ShardStateMachine.BODIES_DIR))) {
            for (QueueKey q : state.queueKeys()) {
                long[] live = state.liveMsgIds(q);
                int i = 0;
                while (i < live.length) {
                    long[] ask = Arrays.copyOfRange(live, i, Math.min(live.length, i + IDS_PER_ASK));
                    SnapshotSource.BodyChunk c = await(source.bodies(node, group, q, ask));
                    if (c.bodies().isEmpty() || c.bodies().size() > ask.length) {
                        throw new IOException("node " + node + " answered " + c.bodies().size() + " bodies of " + q
                                + " for " + ask.length + " asked");
                    }
                    releasedBy = Math.max(releasedBy, c.releasedBy());
                    for (int k = 0; k < c.bodies().size(); k++) {
                        ByteBuffer b = c.bodies().get(k);
                        if (b == null) {
                            gone++;
                        } else {
                            store.store(q, ask[k], b);
                            stored++;
                        }
                    }
                    store.flush();
                    i += c.bodies().size();
                }
            }
            store.sync();
        }
        ShardSnapshotFile.write(dir.resolve(SNAPSHOT), at, bytes);
        writeReady(dir, at, releasedBy);
        LOG.info("{}: fetched node {}'s snapshot at {} ({} state bytes, {} bodies, {} released since) in {} ms", who,
                node, at, bytes.length, stored, gone, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return at;
    }

    private static int copy(SnapshotSource.StateChunk c, byte[] into, int at) throws IOException {
        if (c.total() != into.length || at + c.bytes().length > into.length) {
            throw new IOException("a snapshot part of " + c.bytes().length + " bytes at " + at + " does not fit a state "
                    + "of " + into.length + " bytes");
        }
        System.arraycopy(c.bytes(), 0, into, at, c.bytes().length);
        return at + c.bytes().length;
    }

    private <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get(ANSWER_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + ANSWER_WAIT_S + " s", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static void writeReady(Path dir, TermIndex at, long releasedBy) throws IOException {
        Path tmp = dir.resolve(READY + ".tmp");
        byte[] text = (at.getTerm() + " " + at.getIndex() + " " + releasedBy).getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(text));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(READY), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system syncs a directory; the rename is what counts
        }
    }

    /**
     * Makes a staged, ready snapshot the replica's own: its bodies replace the replica's ({@code bodies} must be
     * closed) and its state goes where the state machine's storage keeps the snapshot at that term and index
     * (snapshotFile), so loading the latest finds it. An unfinished fetch is thrown
     * away. Safe to run again after a crash midway. Returns the index by which the log releases the bodies that were
     * gone when fetched, or -1 when nothing was installed.
     */
    static long install(Path groupDir, java.util.function.BiFunction<Long, Long, File> snapshotFile)
            throws IOException {
        Path dir = groupDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        Path ready = dir.resolve(READY);
        if (!Files.exists(ready)) {
            deleteTree(dir);
            return -1;
        }
        String[] f = Files.readString(ready, StandardCharsets.US_ASCII).trim().split(" ");
        TermIndex at = TermIndex.valueOf(Long.parseLong(f[0]), Long.parseLong(f[1]));
        long releasedBy = Long.parseLong(f[2]);
        Path staged = dir.resolve(ShardStateMachine.BODIES_DIR);
        if (Files.isDirectory(staged)) {
            Path bodies = groupDir.resolve(ShardStateMachine.BODIES_DIR);
            deleteTree(bodies);
            Files.move(staged, bodies, StandardCopyOption.ATOMIC_MOVE);
        }
        Path snapshot = dir.resolve(SNAPSHOT);
        if (Files.exists(snapshot)) {
            File target = snapshotFile.apply(at.getTerm(), at.getIndex());
            Files.createDirectories(target.toPath().getParent());
            Files.move(snapshot, target.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            MD5FileUtil.computeAndSaveMd5ForFile(target);
        }
        deleteTree(dir);
        return releasedBy;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
