package io.warren.cluster.quorum.state;

/** Bytes that are not a command batch or snapshot this version can read (truncated, unknown tag, bad version). */
public final class CorruptStateException extends IllegalArgumentException {
    public CorruptStateException(String message) {
        super(message);
    }
}
