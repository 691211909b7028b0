package io.warren.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Gathers a log's ack-file entries so a burst of acks costs one write, not one per ack. Entries go out when the
 * buffer fills, when the acks move on to another segment, and on every flush, read and close of the log; a crash
 * before that loses them, which at worst redelivers those records.
 */
final class AckWriter {
    private final ByteBuffer buffer = RecordFormat.newBuffer(AckFile.ENTRY_BYTES * 128);
    private Segment target;
    /** The segment whose ack file is open; only one is kept open at a time to bound file descriptors. */
    private Segment open;

    void add(Segment seg, byte kind, long seq, long arg) throws IOException {
        if (target != seg && buffer.position() > 0) {
            writeOut();
        }
        target = seg;
        AckFile.putEntry(buffer, kind, seq, arg);
        if (!buffer.hasRemaining()) {
            writeOut();
        }
    }

    void writeOut() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        Segment seg = target;
        if (open != null && open != seg) {
            open.acks.close();
        }
        open = seg;
        buffer.flip();
        try {
            seg.acks.append(buffer);
        } finally {
            buffer.clear();
        }
    }

    /** Forgets entries for a segment that is being deleted or whose ack file is being rewritten. */
    void discard(Segment seg) {
        if (target == seg) {
            buffer.clear();
            target = null;
        }
        if (open == seg) {
            open = null;
        }
    }
}
