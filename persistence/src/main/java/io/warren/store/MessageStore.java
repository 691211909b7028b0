package io.warren.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The message store under one directory: a log per queue and the sync thread that group-commits them. */
public final class MessageStore implements AutoCloseable {
    private static final String LOCK_FILE = "store.lock";

    private final Path dir;
    private final StoreSettings settings;
    private final ChannelOpener opener;
    private final GroupCommitter committer;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ConcurrentHashMap<String, QueueLog> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private MessageStore(Path dir, StoreSettings settings, ChannelOpener opener, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.settings = settings;
        this.opener = opener;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.committer = new GroupCommitter("warren-store-sync " + dir.getFileName(), settings);
    }

    /** Opens (creating if needed) the store in the directory and starts its sync thread. */
    public static MessageStore open(Path dir, StoreSettings settings) throws IOException {
        return open(dir, settings, ChannelOpener.DEFAULT);
    }

    /** As {@link #open(Path, StoreSettings)}, with segment channels opened through the given seam (tests). */
    static MessageStore open(Path dir, StoreSettings settings, ChannelOpener opener) throws IOException {
        if (settings.segmentBytes() <= 0 || settings.compactBelow() < 0 || settings.compactBelow() > 1) {
            throw new IllegalArgumentException("unusable settings " + settings);
        }
        Files.createDirectories(dir);
        // Two stores writing one directory would corrupt each other's segments; the lock makes the second fail.
        FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("the message store in " + dir + " is already open");
        }
        MessageStore store = new MessageStore(dir, settings, opener, lockChannel, lock);
        store.committer.start();
        return store;
    }

    /**
     * Opens the named log, recovering it from disk if it exists, creating it otherwise. Any name is allowed. A log
     * is opened once at a time: opening it again before closing it fails.
     */
    public QueueLog log(String name) throws IOException {
        checkOpen();
        QueueLog[] created = new QueueLog[1];
        IOException[] failure = new IOException[1];
        open.compute(name, (n, existing) -> {
            if (existing != null) {
                throw new IllegalStateException("log '" + name + "' is already open");
            }
            try {
                // inside compute: never touches the directory of a log of this name that is still open
                Path logDir = LogDirectory.open(dir, name);
                LogRecovery.Result recovered = LogRecovery.recover(logDir);
                created[0] = new QueueLog(logDir, settings, committer, opener, () -> open.remove(name, created[0]),
                        recovered);
                return created[0];
            } catch (IOException e) {
                failure[0] = e;
                return null;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        return created[0];
    }

    /** The names of the logs on disk, opened or not. */
    public List<String> logNames() throws IOException {
        return LogDirectory.names(dir);
    }

    /** Removes a log that is not open (a queue that no longer exists). */
    public void deleteLog(String name) throws IOException {
        if (open.containsKey(name)) {
            throw new IllegalStateException("log '" + name + "' is open; delete it through QueueLog.delete()");
        }
        LogDirectory.delete(LogDirectory.pathFor(dir, name));
    }

    /**
     * The directory of the named stream (any name), created if needed, beside the store's own directory under
     * {@code streams}: named as the logs are (a hash of the name, the name in a file inside), so any name is safe.
     */
    public Path streamDirectory(String name) throws IOException {
        checkOpen();
        return LogDirectory.open(streamsRoot(), name);
    }

    /** Removes the named stream's directory and everything in it (its stream must be closed). */
    public void deleteStreamDirectory(String name) throws IOException {
        LogDirectory.delete(LogDirectory.pathFor(streamsRoot(), name));
    }

    /** The names of the streams that have a directory. */
    public List<String> streamNames() throws IOException {
        Path root = streamsRoot();
        return Files.isDirectory(root) ? LogDirectory.names(root) : List.of();
    }

    private Path streamsRoot() {
        return dir.toAbsolutePath().resolveSibling("streams");
    }

    /** The store's sync thread, which stream logs share so one fsync round covers queues and streams alike. */
    public GroupCommitter committer() {
        return committer;
    }

    /** Fsyncs done so far, and their latency, for metrics. */
    public SyncStats syncStats() {
        return committer.stats();
    }

    /**
     * Flushes and fsyncs everything, stops the sync thread and closes every log. The logs' owners must have stopped
     * using them: a log is single-threaded, and this closes it from the caller's thread.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (QueueLog log : new ArrayList<>(open.values())) {
            try {
                log.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        committer.stop();
        lock.release();
        lockChannel.close();
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the message store in " + dir + " is closed");
        }
    }
}
