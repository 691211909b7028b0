package io.warren.bench.stream;

import java.nio.ByteBuffer;

/** What a publisher writes at the start of each body: the send time (this JVM's nanoTime) and a sequence number. */
final class Stamp {
    static final int BYTES = 16;

    private Stamp() {
    }

    static void write(byte[] body, long sequence) {
        ByteBuffer.wrap(body).putLong(0, System.nanoTime()).putLong(8, sequence);
    }

    static long sentNanos(byte[] body) {
        return ByteBuffer.wrap(body).getLong(0);
    }
}
