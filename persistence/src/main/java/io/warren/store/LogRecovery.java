package io.warren.store;

import static io.warren.store.RecordFormat.FOOTER_BYTES;
import static io.warren.store.RecordFormat.RECORD_HEADER_BYTES;
import static io.warren.store.RecordFormat.SEGMENT_HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a log's in-memory state from its files, one segment at a time so memory does not grow with the number
 * of records: a sealed segment with a footer and no acks is taken from its footer without reading it; any other is
 * scanned, and a torn tail (partial or bad-checksum last records) is cut off. Every segment ends up sealed.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /**
     * What was found.
     *
     * @param segments  segments with live records, in order
     * @param carrier   the highest-numbered segment when none of its records is live: kept (out of the list) because
     *                  its header and records remember the last seq, until a newer segment exists
     */
    record Result(List<Segment> segments, Segment carrier, long liveCount, long liveBytes, long lastSeq,
                  long nextSegmentNumber) {
    }

    private LogRecovery() {
    }

    static Result recover(Path dir) throws IOException {
        TreeSet<Long> numbers = new TreeSet<>();
        TreeSet<Long> ackNumbers = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(f); // a compaction or rename cut short; the original is still in place
                } else if (name.startsWith("msgs.")) {
                    parse(name.substring(5), numbers);
                } else if (name.startsWith("acks.")) {
                    parse(name.substring(5), ackNumbers);
                }
            }
        }
        for (long n : ackNumbers) {
            if (!numbers.contains(n)) {
                Files.delete(dir.resolve(Segment.ackFileName(n))); // its segment was deleted
            }
        }
        List<Segment> segments = new ArrayList<>();
        Segment carrier = null;
        long liveCount = 0;
        long liveBytes = 0;
        long lastSeq = -1;
        for (long n : numbers) {
            boolean highest = n == numbers.last();
            Recovered r = recoverSegment(dir, n);
            if (r == null) {
                continue;
            }
            Segment seg = r.segment;
            lastSeq = Math.max(lastSeq, Math.max(seg.baseSeq, seg.lastSeq));
            if (seg.live > 0) {
                segments.add(seg);
                liveCount += seg.live;
                liveBytes += r.liveBytes;
            } else if (highest) {
                carrier = seg;
            } else {
                seg.delete();
            }
        }
        long next = numbers.isEmpty() ? 0 : numbers.last() + 1;
        return new Result(segments, carrier, liveCount, liveBytes, lastSeq, next);
    }

    private static void parse(String digits, TreeSet<Long> into) {
        if (digits.length() == 16 && digits.chars().allMatch(Character::isDigit)) {
            into.add(Long.parseLong(digits));
        }
    }

    private record Recovered(Segment segment, long liveBytes) {
    }

    /** Acks, delivered marks and purged ranges of one segment, read from its ack file. */
    private static final class AckState implements AckFile.Visitor {
        final Segment seg;
        final List<long[]> purged = new ArrayList<>();
        boolean anyAck;

        AckState(Segment seg) {
            this.seg = seg;
        }

        @Override
        public void entry(byte kind, long seq, long arg) {
            switch (kind) {
                case AckFile.ACK -> {
                    seg.acked.add(seq);
                    anyAck = true;
                }
                case AckFile.DELIVERED -> seg.delivered.add(seq);
                case AckFile.ACK_FROM -> {
                    purged.add(new long[] {seq, arg});
                    anyAck = true;
                }
                default -> {
                    // An entry kind from a newer version: ignoring it at worst redelivers.
                }
            }
        }

        boolean purged(long seq) {
            for (long[] range : purged) {
                if (seq >= range[0] && seq <= range[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Recovered recoverSegment(Path dir, long n) throws IOException {
        Path file = dir.resolve(Segment.fileName(n));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < SEGMENT_HEADER_BYTES) {
                // Cut short while being created, before any record could be in it.
                ch.close();
                new Segment(dir, n, true, -1).delete();
                return null;
            }
            ByteBuffer head = RecordFormat.newBuffer(SEGMENT_HEADER_BYTES);
            FileIo.readFully(ch, head, 0);
            RecordFormat.SegmentHeader header = RecordFormat.readSegmentHeader(head.flip());
            if (!header.valid() || header.segmentNumber() != n) {
                LOG.warn("{}: bad segment header; reading its records anyway (each has its own checksum)", file);
            }
            Segment seg = new Segment(dir, n, true, header.valid() ? header.baseSeq() : -1);
            RecordFormat.Footer footer = readFooter(ch, n, size);
            anchorSeqSets(ch, seg, footer, size);
            AckState acks = new AckState(seg);
            AckFile.load(seg.acks.path(), n, acks);

            long liveBytes;
            if (footer != null && !acks.anyAck && footer.records() == footer.persistentRecords()) {
                seg.firstSeq = footer.firstSeq();
                seg.lastSeq = footer.lastSeq();
                seg.records = footer.records();
                seg.persistentRecords = footer.persistentRecords();
                seg.persistentBytes = footer.persistentBytes();
                seg.live = footer.persistentRecords();
                seg.dataEnd = footer.offset();
                liveBytes = footer.persistentBytes();
            } else {
                liveBytes = scan(ch, seg, footer, size, acks);
            }
            seg.sealed = true;
            return new Recovered(seg, liveBytes);
        }
    }

    private static RecordFormat.Footer readFooter(FileChannel ch, long n, long size) throws IOException {
        if (size < SEGMENT_HEADER_BYTES + FOOTER_BYTES) {
            return null;
        }
        ByteBuffer b = RecordFormat.newBuffer(FOOTER_BYTES);
        FileIo.readFully(ch, b, size - FOOTER_BYTES);
        return RecordFormat.Footer.decode(b.flip(), n, size);
    }

    /** Anchors the seq bitmaps at the first record's seq so they stay dense. */
    private static void anchorSeqSets(FileChannel ch, Segment seg, RecordFormat.Footer footer, long size) throws IOException {
        long first = -1;
        if (footer != null) {
            first = footer.firstSeq();
        } else if (size >= SEGMENT_HEADER_BYTES + RECORD_HEADER_BYTES) {
            ByteBuffer h = RecordFormat.newBuffer(RECORD_HEADER_BYTES);
            FileIo.readFully(ch, h, SEGMENT_HEADER_BYTES);
            first = h.getLong(RecordFormat.CRC_FROM + 1);
        }
        seg.acked.baseAt(first);
        seg.delivered.baseAt(first);
    }

    /** Reads every record to count the live ones; cuts a torn tail of an unsealed segment and seals it. */
    private static long scan(FileChannel ch, Segment seg, RecordFormat.Footer footer, long size, AckState acks)
            throws IOException {
        long end = footer != null ? footer.offset() : size;
        RecordScanner scanner = new RecordScanner(ch, seg.file, SEGMENT_HEADER_BYTES, end, footer != null,
                256 * 1024);
        long liveBytes = 0;
        while (scanner.next()) {
            long seq = scanner.seq();
            boolean persistent = scanner.persistent();
            seg.added(seq, persistent, scanner.payloadLength());
            seg.live--; // added() counts every record live; here only unacked persistent ones are
            if (acks.purged(seq)) {
                seg.acked.add(seq);
            } else if (persistent && !seg.acked.contains(seq)) {
                seg.live++;
                liveBytes += scanner.payloadLength();
            }
        }
        long stopped = scanner.stoppedAt();
        if (stopped >= 0 && footer != null) {
            LOG.warn("{}: records from offset {} on are unreadable ({}); keeping the file as it is", seg.file, stopped,
                    scanner.stopReason());
            seg.dataEnd = end;
            return liveBytes;
        }
        seg.dataEnd = stopped >= 0 ? stopped : end;
        if (footer == null) {
            if (seg.dataEnd < size) {
                LOG.warn("{}: cut {} bytes of torn tail at offset {} ({}); {} records before it kept", seg.file,
                        size - seg.dataEnd, seg.dataEnd, scanner.stopReason(), seg.records);
                ch.truncate(seg.dataEnd);
            }
            if (seg.records > 0) {
                // Sealed now, so the next recovery can take it from the footer if nothing in it gets acked.
                ByteBuffer f = seg.footer().encode();
                FileIo.writeFully(ch, f, seg.dataEnd);
                ch.force(false);
            }
        }
        return liveBytes;
    }
}
