package io.warren.cluster.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.store.definitions.StoredDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A snapshot of the cluster's definitions: every stored row, as JSON, whether the defaults were made, and the
 * transient definitions (as the puts that make them; none in a snapshot written before they were replicated).
 */
public record SnapshotFile(boolean bootstrapped, StoredDefinitions definitions,
                           java.util.List<io.warren.cluster.log.DefinitionChange> transients) {
    public SnapshotFile {
        transients = transients == null ? java.util.List.of() : java.util.List.copyOf(transients);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(this));
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static SnapshotFile read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), SnapshotFile.class);
    }
}
