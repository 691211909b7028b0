package io.warren.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test payloads whose bytes follow from their seq, and a sink that collects what a log reads back. */
final class Records {
    private Records() {
    }

    /** One record read back. */
    record Read(long seq, boolean persistent, boolean delivered, ByteBuffer payload) {
    }

    static ByteBuffer payload(long seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            b.put((byte) (seq * 31 + i));
        }
        return b.flip();
    }

    /** Payload length that varies with the seq so records are not all alike. */
    static int lengthOf(long seq) {
        return 10 + (int) (seq * 37 % 300);
    }

    static void appendMany(QueueLog log, long fromSeq, long toSeq, boolean persistent) throws IOException {
        for (long s = fromSeq; s <= toSeq; s++) {
            log.append(s, persistent, payload(s, lengthOf(s)));
        }
        log.flush();
    }

    static void assertPayload(Read r) {
        assertEquals(payload(r.seq, lengthOf(r.seq)), r.payload, "payload of seq " + r.seq);
    }

    static List<Read> readAll(QueueLog log, long fromSeq) throws IOException {
        List<Read> out = new ArrayList<>();
        while (log.read(fromSeq, 7, Long.MAX_VALUE, (seq, p, d, payload) -> out.add(new Read(seq, p, d, payload))) > 0) {
            fromSeq = out.get(out.size() - 1).seq() + 1;
        }
        return out;
    }

    static List<Long> seqs(List<Read> reads) {
        List<Long> seqs = new ArrayList<>();
        for (Read r : reads) {
            seqs.add(r.seq());
            assertPayload(r);
        }
        return seqs;
    }

    static List<Long> range(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            seqs.add(s);
        }
        return seqs;
    }

    static StoreSettings smallSegments() {
        return new StoreSettings(4096, 0, 1 << 20, 0.25);
    }
}
