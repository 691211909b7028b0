package io.warren.store;

import static io.warren.store.RecordFormat.SEGMENT_HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Rewrites a sealed segment with only its live records: same segment number, same record bytes, same order, a new
 * footer; then replaces its ack file with the delivered marks of the survivors. Each file is written to a
 * temporary, fsynced and renamed over the original, the segment before its ack file (with the directory synced in
 * between), so a crash at any point leaves a pair that recovers to the same live records.
 */
final class SegmentCompactor {
    private static final int BUFFER_BYTES = 256 * 1024;

    private SegmentCompactor() {
    }

    /** Compacts the segment (whose channel must be closed) and returns how many records it keeps. */
    static long compact(Path dir, Segment seg) throws IOException {
        Path tmp = seg.file.resolveSibling(seg.file.getFileName() + ".tmp");
        ByteBuffer ackEntries = RecordFormat.newBuffer(AckFile.ENTRY_BYTES * 64);
        long records = 0;
        long persistentRecords = 0;
        long persistentBytes = 0;
        long firstSeq = -1;
        long lastSeq = -1;
        long dataEnd;
        try (FileChannel in = FileChannel.open(seg.file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            FileIo.writeFully(out, RecordFormat.segmentHeader(seg.number, seg.baseSeq));
            ByteBuffer pending = RecordFormat.newBuffer(BUFFER_BYTES);
            RecordScanner scanner = new RecordScanner(in, seg.file, SEGMENT_HEADER_BYTES, seg.dataEnd, true, BUFFER_BYTES);
            while (scanner.next()) {
                long seq = scanner.seq();
                if (!seg.isLive(seq, scanner.persistent())) {
                    continue;
                }
                for (ByteBuffer part : scanner.recordBytes()) {
                    if (part.remaining() > pending.remaining()) {
                        FileIo.writeFully(out, pending.flip());
                        pending.clear();
                    }
                    if (part.remaining() > pending.capacity()) {
                        FileIo.writeFully(out, part);
                    } else {
                        pending.put(part);
                    }
                }
                if (firstSeq < 0) {
                    firstSeq = seq;
                }
                lastSeq = seq;
                records++;
                if (scanner.persistent()) {
                    persistentRecords++;
                    persistentBytes += scanner.payloadLength();
                }
                if (seg.delivered.contains(seq)) {
                    if (!ackEntries.hasRemaining()) {
                        ByteBuffer bigger = RecordFormat.newBuffer(ackEntries.capacity() * 2);
                        ackEntries = bigger.put(ackEntries.flip());
                    }
                    AckFile.putEntry(ackEntries, AckFile.DELIVERED, seq, 0);
                }
            }
            FileIo.writeFully(out, pending.flip());
            dataEnd = out.position();
            if (records > 0) {
                FileIo.writeFully(out, new RecordFormat.Footer(seg.number, dataEnd, records, persistentRecords,
                        persistentBytes, firstSeq, lastSeq).encode());
            }
            out.force(false);
        }
        Files.move(tmp, seg.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileIo.forceDirectory(dir);
        seg.acks.rewrite(ackEntries.flip());

        // The seq range and the acked set stay as they were: a late duplicate ack of a removed record must still
        // find this segment and see that record as already acked.
        seg.records = records;
        seg.live = records;
        seg.persistentRecords = persistentRecords;
        seg.persistentBytes = persistentBytes;
        seg.dataEnd = dataEnd;
        return records;
    }
}
