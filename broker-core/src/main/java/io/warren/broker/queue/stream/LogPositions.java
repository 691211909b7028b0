package io.warren.broker.queue.stream;

import io.warren.store.stream.StreamLog;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A stream log's positions as {@link StreamOffsetSpec} resolves a consumer's start against them. */
record LogPositions(StreamLog log) implements StreamPositions {
    @Override
    public long firstOffset() {
        return log.firstOffset();
    }

    @Override
    public long lastOffset() {
        // Warren's log has no chunks: "last" is the newest message, or the next one when the stream is empty
        return log.nextOffset() > log.firstOffset() ? log.lastOffset() : log.nextOffset();
    }

    @Override
    public long nextOffset() {
        return log.nextOffset();
    }

    @Override
    public long offsetAt(long epochMillis) {
        try {
            return log.offsetAt(epochMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
