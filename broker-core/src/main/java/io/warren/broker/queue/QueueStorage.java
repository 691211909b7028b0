package io.warren.broker.queue;

import io.warren.store.MessageStore;
import io.warren.store.QueueLog;
import io.warren.store.stream.StreamLog;
import io.warren.store.stream.StreamSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Where queues keep messages on disk: a durable queue's log carries its persistent messages across restarts;
 * any queue may open a scratch log to page out a backlog, and scratch logs are dropped at start-up.
 */
public final class QueueStorage {
    private static final String DURABLE = "queue:";
    private static final String SCRATCH = "scratch:";
    /** A durable priority queue's log of one level above 0: this prefix, the level, ':', the durable name. */
    private static final String PRIORITY = "priority:";
    private static final String DELAYED = "delayed:";
    private static final String STREAM = "stream:";

    private final MessageStore store;
    private final QueueWindow window;
    private final BooleanSupplier memoryPressure;
    private final ReadyMemory readyMemory;
    /** Name prefixes of the logs of durable delayed exchanges that exist: kept at start-up. */
    private final java.util.Set<String> delayedOwners = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** memoryPressure says when queues should keep new messages on disk rather than in memory. */
    public QueueStorage(MessageStore store, QueueWindow window, BooleanSupplier memoryPressure) {
        this.store = store;
        this.window = window;
        this.memoryPressure = memoryPressure;
        this.readyMemory = new ReadyMemory(window.brokerBytes());
    }

    /** What all queues' ready messages take in memory, against the broker-wide budget. */
    public ReadyMemory readyMemory() {
        return readyMemory;
    }

    public QueueWindow window() {
        return window;
    }

    /** True while memory is short: a queue then holds only a small part of its window in memory. */
    public BooleanSupplier memoryPressure() {
        return memoryPressure;
    }

    /** Opens a durable queue's log, recovering the messages it holds. */
    public QueueLog durableLog(String vhost, String queue) throws IOException {
        return store.log(durableName(vhost, queue));
    }

    /**
     * Opens the log that holds a durable priority queue's messages of one level (1 and up; level 0 is the
     * queue's {@link #durableLog}), recovering what it holds.
     */
    public QueueLog priorityLog(String vhost, String queue, int level) throws IOException {
        return store.log(priorityName(vhost, queue, level));
    }

    /** The levels above 0 of a durable priority queue that have a log on disk, in no particular order. */
    public List<Integer> priorityLevelsOnDisk(String vhost, String queue) throws IOException {
        String suffix = ":" + durableName(vhost, queue);
        List<Integer> levels = new ArrayList<>();
        for (String name : store.logNames()) {
            if (name.startsWith(PRIORITY) && name.endsWith(suffix)) {
                try {
                    levels.add(Integer.parseInt(name.substring(PRIORITY.length(), name.length() - suffix.length())));
                } catch (NumberFormatException e) {
                    // not one of ours: another queue whose name happens to end like this one's
                }
            }
        }
        return levels;
    }

    /**
     * Opens (creating or recovering) a stream's log, fsynced by the store's group commit, in a directory of its own
     * named after the vhost and queue.
     */
    public StreamLog openStream(String vhost, String queue, StreamSettings settings) throws IOException {
        return StreamLog.open(store.streamDirectory(streamName(vhost, queue)), settings, store.committer());
    }

    /** Removes a deleted stream's files (its log must be closed). */
    public void deleteStream(String vhost, String queue) throws IOException {
        store.deleteStreamDirectory(streamName(vhost, queue));
    }

    /**
     * Removes the directories of streams that no longer exist (a deletion cut short by a crash). Called at
     * start-up, once the durable queues are back.
     */
    public void deleteUnusedStreams(BiPredicate<String, String> streamExists) {
        try {
            for (String name : store.streamNames()) {
                if (!isExisting(name, STREAM, streamExists)) {
                    store.deleteStreamDirectory(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the files of deleted streams", e);
        }
    }

    private static String streamName(String vhost, String queue) {
        return STREAM + vhost.length() + ":" + vhost + ":" + queue;
    }

    /** Opens a fresh scratch log on first call, for a queue whose backlog outgrows memory. */
    public Supplier<QueueLog> scratchLogs() {
        return () -> {
            try {
                return store.log(SCRATCH + UUID.randomUUID());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /**
     * The name prefix of a delayed exchange's logs. A durable exchange's logs carry its persistent messages across
     * restarts and are kept while it is {@link #claimDelayedLogs claimed}; a transient exchange's are scratch logs.
     */
    public String delayedLogPrefix(String vhost, String exchange, boolean durable) {
        return durable ? DELAYED + vhost.length() + ":" + vhost + ":" + exchange.length() + ":" + exchange + ":"
                : SCRATCH + DELAYED + UUID.randomUUID() + ":";
    }

    /** Keeps the logs under this prefix at start-up (their delayed exchange exists), or no longer (it is gone). */
    public void claimDelayedLogs(String prefix, boolean claimed) {
        if (claimed) {
            delayedOwners.add(prefix);
        } else {
            delayedOwners.remove(prefix);
        }
    }

    /** The names of the logs on disk under this prefix. */
    public java.util.List<String> logNames(String prefix) throws IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String name : store.logNames()) {
            if (name.startsWith(prefix)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Opens the named log (a delayed exchange's), recovering what it holds. */
    public QueueLog namedLog(String name) throws IOException {
        return store.log(name);
    }

    /**
     * Removes every log no queue uses: scratch logs (their messages were transient), logs of durable queues
     * that are gone, and logs of delayed exchanges that are gone (not claimed). Called at start-up, once the
     * durable queues and exchanges are back.
     */
    public void deleteUnusedLogs(BiPredicate<String, String> durableQueueExists) {
        try {
            for (String name : store.logNames()) {
                if (name.startsWith(DELAYED)) {
                    if (!isClaimedDelayedLog(name)) {
                        store.deleteLog(name);
                    }
                    continue;
                }
                if (name.startsWith(SCRATCH) || !isLogOfExistingQueue(name, durableQueueExists)) {
                    store.deleteLog(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove unused message logs", e);
        }
    }

    private boolean isClaimedDelayedLog(String name) {
        for (String prefix : delayedOwners) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLogOfExistingQueue(String name, BiPredicate<String, String> exists) {
        if (name.startsWith(PRIORITY)) {
            int colon = name.indexOf(':', PRIORITY.length());
            return colon > 0 && isLogOfExistingQueue(name.substring(colon + 1), exists);
        }
        return isExisting(name, DURABLE, exists);
    }

    // names are prefix, the vhost's length, ':', the vhost, ':', the queue
    private static boolean isExisting(String name, String prefix, BiPredicate<String, String> exists) {
        if (!name.startsWith(prefix)) {
            return false;
        }
        int colon = name.indexOf(':', prefix.length());
        if (colon < 0) {
            return false;
        }
        try {
            int vhostLength = Integer.parseInt(name.substring(prefix.length(), colon));
            String vhost = name.substring(colon + 1, colon + 1 + vhostLength);
            String queue = name.substring(colon + 2 + vhostLength);
            return exists.test(vhost, queue);
        } catch (RuntimeException e) {
            return false;
        }
    }

    // the vhost's length keeps every (vhost, queue) pair's name distinct, whatever characters they hold
    private static String durableName(String vhost, String queue) {
        return DURABLE + vhost.length() + ":" + vhost + ":" + queue;
    }

    private static String priorityName(String vhost, String queue, int level) {
        return PRIORITY + level + ":" + durableName(vhost, queue);
    }
}
