package io.warren.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An AMQP long string: raw bytes that are usually, but not necessarily, UTF-8 text.
 *
 * <p>Kept as bytes because long strings also carry binary data such as SASL responses.
 */
public final class LongString implements CharSequence, Comparable<LongString> {
    public static final LongString EMPTY = new LongString(new byte[0]);

    private final byte[] bytes;
    private String text;
    private int hash;

    private LongString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Encodes the text as UTF-8. */
    public static LongString of(String utf8) {
        if (utf8.isEmpty()) {
            return EMPTY;
        }
        LongString s = new LongString(utf8.getBytes(StandardCharsets.UTF_8));
        s.text = utf8;
        return s;
    }

    /** Wraps the array without copying; the caller must not mutate it afterwards. */
    public static LongString wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new LongString(bytes);
    }

    /** The underlying array, not a copy: callers must not mutate it. */
    public byte[] bytes() {
        return bytes;
    }

    /** Number of encoded bytes (as opposed to {@link #length()}, which counts chars). */
    public int byteLength() {
        return bytes.length;
    }

    @Override
    public int length() {
        return toString().length();
    }

    @Override
    public char charAt(int index) {
        return toString().charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return toString().subSequence(start, end);
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            // Benign race: every thread computes the same immutable value.
            t = new String(bytes, StandardCharsets.UTF_8);
            text = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof LongString other && Arrays.equals(bytes, other.bytes));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** Unsigned lexicographic byte order, which matches code point order for valid UTF-8. */
    @Override
    public int compareTo(LongString o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
