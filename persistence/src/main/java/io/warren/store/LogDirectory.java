package io.warren.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Maps log names (any string) to directories: {@code log-<sha-256 of the UTF-8 name, hex>}, with the real name
 * in a {@code name} file inside. A hash keeps every name a safe, fixed-length file name on any file system,
 * including case-insensitive ones.
 */
final class LogDirectory {
    static final String PREFIX = "log-";
    static final String NAME_FILE = "name";

    private LogDirectory() {
    }

    static Path pathFor(Path root, String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return root.resolve(PREFIX + HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Creates the directory with its name file if it does not exist; checks the name if it does. */
    static Path open(Path root, String name) throws IOException {
        Path dir = pathFor(root, name);
        Path nameFile = dir.resolve(NAME_FILE);
        if (Files.exists(nameFile)) {
            String stored = Files.readString(nameFile, StandardCharsets.UTF_8);
            if (!stored.equals(name)) {
                throw new IOException(dir + " holds log '" + stored + "', not '" + name + "'");
            }
            return dir;
        }
        if (Files.exists(dir)) {
            // Left by a delete cut short (the name file goes first): whatever is inside belongs to no log.
            delete(dir);
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve(NAME_FILE + ".tmp");
        Files.writeString(tmp, name, StandardCharsets.UTF_8);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, nameFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileIo.forceDirectory(dir);
        FileIo.forceDirectory(root);
        return dir;
    }

    /** The names of the logs under root; directories without a name file (creation cut short) are not logs. */
    static List<String> names(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path dir : dirs) {
                Path nameFile = dir.resolve(NAME_FILE);
                if (Files.isDirectory(dir) && Files.exists(nameFile)) {
                    names.add(Files.readString(nameFile, StandardCharsets.UTF_8));
                }
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Removes the directory and everything in it. The name file goes first: a delete cut short by a crash leaves a
     * directory that is no longer a log, and {@link #open} clears it before using it again.
     */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.deleteIfExists(dir.resolve(NAME_FILE));
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
