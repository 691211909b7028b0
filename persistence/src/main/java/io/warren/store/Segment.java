package io.warren.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a log: its message file, its ack file and what is known about them in memory (seq range,
 * counters, which seqs are acked or delivered). Touched only by the log's owner thread.
 */
final class Segment {
    final long number;
    final Path file;
    final AckFile acks;
    /** Existed when the log was opened: only its persistent records are live. */
    final boolean recovered;
    final long baseSeq;

    long firstSeq = -1;
    long lastSeq = -1;
    /** Records in the file. */
    long records;
    /** Records not acked (for recovered segments: persistent ones not acked). */
    long live;
    long persistentRecords;
    long persistentBytes;
    /** End of the last complete record: where the next append or the footer goes. */
    long dataEnd;
    boolean sealed;
    /** A compaction of it failed (full disk?): it is left as it is until it can be deleted. */
    boolean compactionFailed;

    final SeqSet acked = new SeqSet();
    /**
     * The seqs written to a segment of this session. Seqs have gaps, and an ack for a seq that was never written
     * (its write failed) must not count down a live record. Recovered segments only get acks for seqs read back.
     */
    final SeqSet written;
    final SeqSet delivered = new SeqSet();

    /** Open while the segment is written (the current one) or being read; closed otherwise to bound descriptors. */
    FileChannel channel;
    boolean channelWritable;

    Segment(Path dir, long number, boolean recovered, long baseSeq) {
        this.number = number;
        this.file = dir.resolve(fileName(number));
        this.acks = new AckFile(dir.resolve(ackFileName(number)), number);
        this.recovered = recovered;
        this.baseSeq = baseSeq;
        this.written = recovered ? null : new SeqSet();
    }

    /** False for a seq this session never wrote here; recovered segments take every seq in their range. */
    boolean holds(long seq) {
        return written == null || written.contains(seq);
    }

    static String fileName(long number) {
        return String.format("msgs.%016d", number);
    }

    static String ackFileName(long number) {
        return String.format("acks.%016d", number);
    }

    /** Whether the record with this seq (which lies in this segment) is still to be read. */
    boolean isLive(long seq, boolean persistent) {
        return (persistent || !recovered) && !acked.contains(seq);
    }

    boolean contains(long seq) {
        return records > 0 && seq >= firstSeq && seq <= lastSeq;
    }

    /** Notes a record written to the file. */
    void added(long seq, boolean persistent, int payloadBytes) {
        if (firstSeq < 0) {
            firstSeq = seq;
            acked.baseAt(seq);
            delivered.baseAt(seq);
            if (written != null) {
                written.baseAt(seq);
            }
        }
        if (written != null) {
            written.add(seq);
        }
        lastSeq = seq;
        records++;
        live++;
        if (persistent) {
            persistentRecords++;
            persistentBytes += payloadBytes;
        }
    }

    /** A channel to read from: the write channel of the current segment, or a read-only one opened on demand. */
    FileChannel readChannel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            channelWritable = false;
        }
        return channel;
    }

    void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }

    /** Closes both files and removes them: the message file first, so a crash in between leaves no live records. */
    void delete() throws IOException {
        closeChannel();
        acks.close();
        Files.deleteIfExists(file);
        acks.delete();
    }

    RecordFormat.Footer footer() {
        return new RecordFormat.Footer(number, dataEnd, records, persistentRecords, persistentBytes, firstSeq, lastSeq);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
