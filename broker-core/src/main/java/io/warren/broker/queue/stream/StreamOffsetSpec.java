package io.warren.broker.queue.stream;

import java.time.Clock;
import java.util.Date;
import java.util.Map;

/**
 * Where a stream consumer starts: its x-stream-offset consumer argument, read as RabbitMQ reads it
 * (rabbit_stream_queue:parse_offset_arg) with LavinMQ's negative offsets. Resolved against the log with
 * {@link #resolve(StreamPositions)}, which clamps to what the log holds.
 */
public sealed interface StreamOffsetSpec {
    String ARGUMENT = "x-stream-offset";

    /** The oldest message retention has kept ("first"). */
    record First() implements StreamOffsetSpec {
    }

    /** The newest chunk, then everything after it ("last"). */
    record Last() implements StreamOffsetSpec {
    }

    /** Only messages published from now on ("next", and the default). */
    record Next() implements StreamOffsetSpec {
    }

    /** An absolute offset (a non-negative integer). */
    record Offset(long value) implements StreamOffsetSpec {
    }

    /** The last {@code count} messages (LavinMQ's negative integer -N; -1 is the newest message). */
    record FromEnd(long count) implements StreamOffsetSpec {
    }

    /**
     * The first message published at or after this time: an AMQP timestamp, or an interval such as "1h" counted
     * back from when the consumer started.
     */
    record Timestamp(long epochMillis) implements StreamOffsetSpec {
    }

    /**
     * Reads x-stream-offset from a basic.consume's arguments. Absent means "next", as in RabbitMQ. An explicit void
     * (null) value means "first": with a consumer tag chosen by the client it also turns on automatic offset
     * tracking (see {@link OffsetTracking}), which then decides where a returning consumer resumes.
     *
     * @throws InvalidStreamArgument for a string that is neither first/last/next nor an interval, and for any
     *                               other type than an integer or a timestamp
     */
    static StreamOffsetSpec parse(Map<String, Object> consumerArguments, Clock clock) {
        if (consumerArguments == null || !consumerArguments.containsKey(ARGUMENT)) {
            return new Next();
        }
        Object v = consumerArguments.get(ARGUMENT);
        if (v == null) {
            return new First();
        }
        if (v instanceof Date d) {
            return new Timestamp(d.getTime());
        }
        if (ErlangTerms.isInteger(v)) {
            long n = ((Number) v).longValue();
            if (n >= 0) {
                return new Offset(n);
            }
            return new FromEnd(n == Long.MIN_VALUE ? Long.MAX_VALUE : -n);
        }
        String text = ErlangTerms.text(v);
        if (text != null) {
            switch (text) {
                case "first" -> {
                    return new First();
                }
                case "last" -> {
                    return new Last();
                }
                case "next" -> {
                    return new Next();
                }
                default -> {
                    long age = MaxAge.millis(text);
                    if (age > 0) {
                        return new Timestamp(clock.millis() - age);
                    }
                }
            }
        }
        throw new InvalidStreamArgument(ARGUMENT, "{invalid_stream_offset_arg," + ErlangTerms.typed(v) + "}");
    }

    /** The offset this consumer reads first, within what the log holds now. */
    default long resolve(StreamPositions log) {
        long first = log.firstOffset();
        long next = log.nextOffset();
        long wanted;
        if (this instanceof First) {
            wanted = first;
        } else if (this instanceof Last) {
            wanted = log.lastOffset();
        } else if (this instanceof Offset o) {
            wanted = o.value();
        } else if (this instanceof FromEnd e) {
            wanted = next - Math.min(e.count(), next - first);
        } else if (this instanceof Timestamp t) {
            wanted = log.offsetAt(t.epochMillis());
        } else {
            wanted = next;
        }
        return Math.max(first, Math.min(next, wanted));
    }
}
