package io.warren.store.stream;

/**
 * How a stream log lays out its files and reads them.
 *
 * @param maxSegmentBytes    a segment rolls over once it holds this many bytes (x-stream-max-segment-size-bytes)
 * @param indexIntervalBytes the sparse index gets an entry every this many bytes of a segment, so a seek reads at
 *                           most this much past the entry it starts from
 * @param readChunkBytes     a reader reads the file this many bytes at a time (a bigger record gets a buffer of
 *                           its own size while it is read)
 * @param flushBytes         appends are written to the file once this many bytes are buffered, even without a flush
 */
public record StreamSettings(long maxSegmentBytes, int indexIntervalBytes, int readChunkBytes, int flushBytes) {
    /** RabbitMQ's default segment size (500 MB), a 64 KiB index interval and read chunk, 1 MiB of buffered appends. */
    public static StreamSettings defaults() {
        return new StreamSettings(500_000_000L, 64 * 1024, 64 * 1024, 1024 * 1024);
    }

    /** The defaults with another segment size. */
    public StreamSettings withMaxSegmentBytes(long bytes) {
        return new StreamSettings(bytes, indexIntervalBytes, readChunkBytes, flushBytes);
    }

    void validate() {
        if (maxSegmentBytes <= StreamFormat.SEGMENT_HEADER_BYTES || indexIntervalBytes <= 0 || readChunkBytes < 64
                || flushBytes <= 0) {
            throw new IllegalArgumentException("unusable stream settings " + this);
        }
    }
}
