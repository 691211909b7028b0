package io.warren.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The message store under one directory: a log per queue and the sync thread that group-commits them. */
public final class MessageStore implements AutoCloseable {

    /** Opens (creating if needed) the store in the directory and starts its sync thread. */
    public static MessageStore open(Path dir, StoreSettings settings) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Opens the named log, recovering it from disk if it exists, creating it otherwise. Any name is allowed. */
    public QueueLog log(String name) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** The names of the logs on disk, opened or not. */
    public List<String> logNames() throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Removes a log that is not open (a queue that no longer exists). */
    public void deleteLog(String name) throws IOException {
        throw new UnsupportedOperationException();
    }

    /** Fsyncs done so far, and their latency, for metrics. */
    public SyncStats syncStats() {
        throw new UnsupportedOperationException();
    }

    /** Flushes and fsyncs everything, stops the sync thread and closes every log. */
    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException();
    }
}
