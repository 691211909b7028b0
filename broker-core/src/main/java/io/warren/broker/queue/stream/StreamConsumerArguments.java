package io.warren.broker.queue.stream;

/**
 * A stream consumer's checked arguments: where it starts, which messages it wants, its group (null when it reads
 * on its own) and whether its offset is tracked.
 */
public record StreamConsumerArguments(StreamOffsetSpec start, StreamFilter filter, ConsumerGroup group,
                                      OffsetTracking tracking) {
}
