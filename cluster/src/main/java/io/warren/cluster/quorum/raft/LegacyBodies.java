package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.bodies.BodyLog;
import io.warren.cluster.quorum.state.QueueKey;
import io.warren.store.MessageStore;
import io.warren.store.QueueLog;
import io.warren.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a body directory of the older layout (a {@link MessageStore} with one log per queue, before Warren kept a
 * shard replica's bodies in one {@link BodyLog}) at open: every live body is copied into the body log, which is
 * fsynced, then the per-queue logs are deleted and the old store's lock file last. A crash midway leaves the lock file,
 * so the next open converts again; bodies copied already are skipped.
 */
final class LegacyBodies {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyBodies.class);
    /** The older layout's marker: its store's lock file. */
    static final String LOCK_FILE = "store.lock";
    private static final StoreSettings SETTINGS = new StoreSettings(16L * 1024 * 1024, 200_000, 16L * 1024 * 1024,
            0.25);

    private LegacyBodies() {
    }

    /** Converts the directory into the log if it is of the older layout; else does nothing. */
    static void convert(Path dir, BodyLog log) throws IOException {
        if (!Files.exists(dir.resolve(LOCK_FILE))) {
            return;
        }
        long bodies = 0;
        int queues = 0;
        try (MessageStore old = MessageStore.open(dir, SETTINGS)) {
            for (String name : old.logNames()) {
                QueueKey queue = SideStore.queueKey(name);
                if (queue == null) {
                    LOG.warn("{}: log '{}' is not a queue's; its bodies are not converted", dir, name);
                    continue;
                }
                QueueLog q = old.log(name);
                long from = 0;
                java.util.List<Object[]> chunk = new java.util.ArrayList<>();
                while (q.read(from, 4096, 16L * 1024 * 1024,
                        (seq, persistent, delivered, payload) -> chunk.add(new Object[] {seq, payload})) > 0) {
                    for (Object[] r : chunk) {
                        long seq = (Long) r[0];
                        if (!log.contains(queue, seq)) {
                            log.append(queue, seq, (java.nio.ByteBuffer) r[1]);
                        }
                        from = seq + 1;
                        bodies++;
                    }
                    chunk.clear();
                    log.flush();
                }
                q.close();
                queues++;
            }
            log.sync();
            for (String name : old.logNames()) {
                old.deleteLog(name);
            }
        }
        Files.deleteIfExists(dir.resolve(LOCK_FILE));
        LOG.info("{}: converted the bodies of {} queues ({} bodies) from the older layout of a log per queue", dir,
                queues, bodies);
    }
}
