package io.warren.cluster.quorum.state;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array with the codecs' few encodings: bytes, variable-length numbers and strings. */
final class BinaryWriter {
    private byte[] bytes;
    private int size;

    BinaryWriter(int initial) {
        bytes = new byte[Math.max(16, initial)];
    }

    void writeByte(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    void writeBoolean(boolean b) {
        writeByte(b ? 1 : 0);
    }

    /** An unsigned variable-length number: 7 bits a byte, small values in one byte. */
    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    /** A signed number zig-zagged, so that -1 ("not set") takes one byte. */
    void writeSignedVarLong(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    void writeString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeVarLong(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
