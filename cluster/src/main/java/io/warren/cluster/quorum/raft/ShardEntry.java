package io.warren.cluster.quorum.raft;

import io.warren.cluster.quorum.state.Command;
import io.warren.cluster.quorum.state.CommandBatch;
import io.warren.cluster.quorum.state.CommandCodec;
import io.warren.cluster.quorum.state.CorruptStateException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * One shard log entry: a {@link CommandBatch} and the message bytes of its enqueues. What a submitter sends is
 * {@code [version 1][batch length 4][batch][per Enqueue, in command order: length 4, bytes]}; the leader puts its
 * clock in front ({@code [leader time 8]}) when it takes the entry, so the log holds the time every replica applies.
 * Bodies are kept as slices of the entry's bytes: nothing is copied on the way to the body store.
 */
public record ShardEntry(long leaderTime, CommandBatch batch, List<ByteString> bodies) {
    static final byte VERSION = 1;
    /** Bytes the leader puts in front of what the submitter sent. */
    static final int TIME_BYTES = Long.BYTES;

    /**
     * What a submitter sends: the batch and, in command order, one body per Enqueue in it. The bodies are wrapped,
     * not copied: they must not change until the request is sent.
     */
    public static ByteString encode(CommandBatch batch, List<ByteBuffer> bodies) {
        return encodeParts(batch, bodies.stream().map(b -> new ByteBuffer[] {b}).toList());
    }

    /**
     * As {@link #encode}, each body given in parts (e.g. QuorumMessageFormat's head, properties and body views) that
     * are written one after another: nothing is joined or copied.
     */
    public static ByteString encodeParts(CommandBatch batch, List<ByteBuffer[]> bodies) {
        long enqueues = batch.commands().stream().filter(c -> c instanceof Command.Enqueue).count();
        if (enqueues != bodies.size()) {
            throw new IllegalArgumentException("the batch has " + enqueues + " enqueues but " + bodies.size()
                    + " bodies were given");
        }
        byte[] b = CommandCodec.encode(batch);
        ByteBuffer head = ByteBuffer.allocate(1 + 4 + b.length);
        head.put(VERSION).putInt(b.length).put(b).flip();
        ByteString out = ByteString.copyFrom(head);
        for (ByteBuffer[] parts : bodies) {
            int length = 0;
            for (ByteBuffer part : parts) {
                length += part.remaining();
            }
            out = out.concat(ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0, length)));
            for (ByteBuffer part : parts) {
                if (part.hasRemaining()) {
                    out = out.concat(UnsafeByteOperations.unsafeWrap(part.duplicate()));
                }
            }
        }
        return out;
    }

    /** The leader's clock in front of the submitted bytes (a rope: the submitted bytes are not copied). */
    static ByteString stamp(long leaderTime, ByteString submitted) {
        return ByteString.copyFrom(ByteBuffer.allocate(TIME_BYTES).putLong(0, leaderTime)).concat(submitted);
    }

    /** Reads a logged entry; a malformed one (the same on every replica) is a {@link CorruptStateException}. */
    static ShardEntry parse(ByteString data) {
        int size = data.size();
        if (size < TIME_BYTES + 1 + 4) {
            throw new CorruptStateException("shard log entry of " + size + " bytes is too short");
        }
        long time = data.substring(0, TIME_BYTES).asReadOnlyByteBuffer().getLong();
        int at = TIME_BYTES;
        byte version = data.byteAt(at++);
        if (version != VERSION) {
            throw new CorruptStateException("shard log entry version " + version + " is not " + VERSION
                    + " (written by another Warren version?)");
        }
        int batchLength = readInt(data, at);
        at += 4;
        if (batchLength < 0 || batchLength > size - at) {
            throw new CorruptStateException("shard log entry: batch of " + batchLength + " bytes at offset " + at
                    + " runs past the entry's " + size + " bytes");
        }
        CommandBatch batch = CommandCodec.decode(data.substring(at, at + batchLength).asReadOnlyByteBuffer());
        at += batchLength;
        List<ByteString> bodies = new ArrayList<>();
        for (Command c : batch.commands()) {
            if (!(c instanceof Command.Enqueue)) {
                continue;
            }
            if (size - at < 4) {
                throw new CorruptStateException("shard log entry: body " + bodies.size() + " is missing at offset "
                        + at);
            }
            int length = readInt(data, at);
            at += 4;
            if (length < 0 || length > size - at) {
                throw new CorruptStateException("shard log entry: body of " + length + " bytes at offset " + at
                        + " runs past the entry's " + size + " bytes");
            }
            bodies.add(data.substring(at, at + length));
            at += length;
        }
        if (at != size) {
            throw new CorruptStateException("shard log entry: " + (size - at) + " bytes left over after the bodies");
        }
        return new ShardEntry(time, batch, bodies);
    }

    private static int readInt(ByteString data, int at) {
        return ((data.byteAt(at) & 0xff) << 24) | ((data.byteAt(at + 1) & 0xff) << 16)
                | ((data.byteAt(at + 2) & 0xff) << 8) | (data.byteAt(at + 3) & 0xff);
    }
}
