package io.warren.broker.alarm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk alarm: on while the space usable under the data directory is below the free-space limit. Checked by
 * {@link ResourceAlarms}, which serialises calls.
 */
final class DiskAlarm {
    private static final Logger LOG = LoggerFactory.getLogger(DiskAlarm.class);

    private final Path dataDir;
    private volatile long limit;
    private volatile long free = -1;
    private boolean on;
    private boolean failing;

    DiskAlarm(Path dataDir, long limit) {
        this.dataDir = dataDir;
        this.limit = limit;
    }

    void setLimit(long bytes) {
        limit = bytes;
    }

    long limit() {
        return limit;
    }

    /** Usable bytes at the last check; -1 before the first or if it could not be measured. */
    long free() {
        return free;
    }

    /** Measures; returns whether the alarm is on. If the space cannot be measured, the alarm keeps its state. */
    boolean check() {
        try {
            Files.createDirectories(dataDir);
            free = Files.getFileStore(dataDir).getUsableSpace();
            failing = false;
        } catch (IOException | SecurityException e) {
            free = -1;
            if (!failing) {
                LOG.warn("cannot measure free disk space under {}: {}; the disk alarm keeps its state", dataDir,
                        e.toString());
            }
            failing = true;
            return on;
        }
        on = free < limit;
        return on;
    }
}
