package io.warren.broker.queue;

import java.util.List;

/**
 * A stream's log and its consumers' positions as the admin API and the metrics read them, from values the stream
 * publishes as it goes (nothing is read from disk, no message is copied).
 *
 * @param segments        segment files, the one being written included
 * @param firstOffset     the oldest offset kept (the next offset when the stream is empty)
 * @param lastOffset      the newest offset appended (below firstOffset when the stream is empty)
 * @param committedOffset the newest offset fsynced, so readable by consumers (-1 when none is)
 * @param consumers       each consumer's position
 */
public record StreamStatus(int segments, long firstOffset, long lastOffset, long committedOffset,
                           List<StreamConsumerStatus> consumers) {
}
