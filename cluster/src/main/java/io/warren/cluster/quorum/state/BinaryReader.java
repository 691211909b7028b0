package io.warren.cluster.quorum.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads what {@link BinaryWriter} wrote; running short or off the rails is a {@link CorruptStateException}. */
final class BinaryReader {
    private final ByteBuffer in;
    private final String what;

    /** what names the data in error messages ("command batch", "snapshot"). */
    BinaryReader(ByteBuffer in, String what) {
        this.in = in.slice();
        this.what = what;
    }

    int readByte() {
        need(1);
        return in.get() & 0xFF;
    }

    boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw corrupt("a boolean is " + b);
        }
        return b == 1;
    }

    long readVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw corrupt("a number runs over 10 bytes");
    }

    long readSignedVarLong() {
        long z = readVarLong();
        return (z >>> 1) ^ -(z & 1);
    }

    /** A count of things to follow, checked against what is left so that bad bytes never allocate gigabytes. */
    int readCount() {
        long n = readVarLong();
        if (n < 0 || n > in.remaining()) {
            throw corrupt("a count of " + n + " with " + in.remaining() + " bytes left");
        }
        return (int) n;
    }

    int readInt() {
        long v = readSignedVarLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw corrupt("a 32-bit number is " + v);
        }
        return (int) v;
    }

    String readString() {
        int n = readCount();
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    boolean hasRemaining() {
        return in.hasRemaining();
    }

    CorruptStateException corrupt(String problem) {
        return new CorruptStateException("cannot read this " + what + ": " + problem + " at byte " + in.position());
    }

    private void need(int n) {
        if (in.remaining() < n) {
            throw corrupt("it ends early");
        }
    }
}
