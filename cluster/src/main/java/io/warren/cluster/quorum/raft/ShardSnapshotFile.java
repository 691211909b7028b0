package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.CorruptStateException;
import io.warren.cluster.quorum.state.ShardState;
import io.warren.cluster.quorum.state.SnapshotCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * A shard snapshot on disk: {@code [magic 4][version 1][term 8][index 8][state length 4][state][crc32c 4]}, the
 * state being {@link SnapshotCodec}'s bytes (metadata only: bodies are in the {@link SideStore}). Written to a
 * temporary file, fsynced, then renamed, so a crash leaves the old snapshot or the new one.
 */
public record ShardSnapshotFile(TermIndex at, ShardState state) {
    private static final int MAGIC = 0x57515353; // "WQSS"
    private static final byte VERSION = 1;
    private static final int HEADER = 4 + 1 + 8 + 8 + 4;

    static void write(Path file, TermIndex at, byte[] state) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER + state.length + 4);
        b.putInt(MAGIC).put(VERSION).putLong(at.getTerm()).putLong(at.getIndex()).putInt(state.length).put(state);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue()).flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    static ShardSnapshotFile read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < HEADER + 4 || b.getInt() != MAGIC) {
            throw new CorruptStateException(file + " is not a shard snapshot (too short, or no magic number)");
        }
        byte version = b.get();
        if (version != VERSION) {
            throw new CorruptStateException(file + ": snapshot version " + version + " is not " + VERSION);
        }
        TermIndex at = TermIndex.valueOf(b.getLong(), b.getLong());
        int length = b.getInt();
        if (length < 0 || length != b.remaining() - 4) {
            throw new CorruptStateException(file + ": the state's length " + length + " does not match the file's "
                    + b.capacity() + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER + length);
        int expected = b.getInt(HEADER + length);
        if (expected != (int) crc.getValue()) {
            throw new CorruptStateException(file + ": checksum mismatch, the snapshot is damaged");
        }
        ShardState state = SnapshotCodec.decode(ByteBuffer.wrap(b.array(), HEADER, length).slice());
        return new ShardSnapshotFile(at, state);
    }
}
