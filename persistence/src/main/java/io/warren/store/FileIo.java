package io.warren.store;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Whole-buffer reads and writes (channels may transfer less than asked) and directory fsync. */
public final class FileIo {
    private FileIo() {
    }

    /** Writes all of b at the channel's position. */
    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Writes all of b at the position. */
    public static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    /** Fills b from the position; fails at the end of the file. */
    public static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new EOFException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    /** Makes created, renamed or deleted entries of a directory durable (where the platform allows it). */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
                return; // Windows cannot open a directory as a channel; NTFS journals its metadata anyway.
            }
            throw e;
        }
    }
}
