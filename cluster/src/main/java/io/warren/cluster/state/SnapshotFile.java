package io.warren.cluster.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.store.definitions.StoredDefinitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A snapshot of the cluster's definitions: every stored row, as JSON, and whether the defaults were made. */
public record SnapshotFile(boolean bootstrapped, StoredDefinitions definitions) {
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
