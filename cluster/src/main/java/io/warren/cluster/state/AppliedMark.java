package io.warren.cluster.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The last log index whose change is in the node's definitions store, and whether the cluster's defaults were
 * made: kept in a small file beside the Raft log, written after the store, so that a restart replays only what
 * the store has not seen (and checks each change against exactly the state it was first checked against). A crash
 * between the store's write and this one replays that one change, which is harmless: changes are idempotent.
 */
public final class AppliedMark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private volatile long index;
    private volatile boolean bootstrapped;

    private AppliedMark(Path file, long index, boolean bootstrapped) {
        this.file = file;
        this.index = index;
        this.bootstrapped = bootstrapped;
    }

    /** Reads the mark in the directory (index -1, not bootstrapped, when there is none yet). */
    public static AppliedMark open(Path dir) {
        Path file = dir.resolve("applied.json");
        if (!Files.exists(file)) {
            return new AppliedMark(file, -1, false);
        }
        try {
            var n = JSON.readTree(file.toFile());
            return new AppliedMark(file, n.path("index").asLong(-1), n.path("bootstrapped").asBoolean(false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public long index() {
        return index;
    }

    public boolean bootstrapped() {
        return bootstrapped;
    }

    /** Records that every change up to index is in the store. */
    public void set(long newIndex, boolean isBootstrapped) {
        index = newIndex;
        bootstrapped = isBootstrapped;
        ObjectNode n = JSON.createObjectNode().put("index", newIndex).put("bootstrapped", isBootstrapped);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writeValueAsBytes(n));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
