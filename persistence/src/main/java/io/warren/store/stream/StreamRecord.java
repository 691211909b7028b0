package io.warren.store.stream;

import java.util.List;

/**
 * One message read back from a stream.
 *
 * @param offset          its place in the stream
 * @param timestampMillis the broker's clock when it was appended
 * @param filterValues    the filter values it was appended with (may be empty)
 * @param header          the opaque properties/header bytes as appended
 * @param body            the body bytes as appended
 */
public record StreamRecord(long offset, long timestampMillis, List<String> filterValues, byte[] header, byte[] body) {
}
