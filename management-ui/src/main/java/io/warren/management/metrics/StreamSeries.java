package io.warren.management.metrics;

import io.warren.broker.admin.QueueView;
import io.warren.broker.queue.StreamConsumerStatus;
import io.warren.broker.queue.StreamStatus;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The per-stream series of /metrics/per-object: each stream's segments and offsets, and each stream consumer's
 * offset and lag, from what the streams publish as they go (no stream is visited on its own thread).
 */
final class StreamSeries {
    private record Family(String name, String help, ToLongFunction<StreamStatus> value) {
    }

    private record ConsumerFamily(String name, String help, ToLongFunction<StreamConsumerStatus> value) {
    }

    private static final List<Family> STREAM = List.of(
            new Family("warren_stream_segments", "segment files per stream", StreamStatus::segments),
            new Family("warren_stream_first_offset", "the oldest offset a stream keeps (its next offset when empty)",
                    StreamStatus::firstOffset),
            new Family("warren_stream_last_offset", "the newest offset of a stream (-1 before its first message)",
                    StreamStatus::lastOffset),
            new Family("warren_stream_committed_offset",
                    "the newest offset of a stream that is fsynced, so readable by consumers",
                    StreamStatus::committedOffset));

    private static final List<ConsumerFamily> CONSUMER = List.of(
            new ConsumerFamily("warren_stream_consumer_offset", "the next offset a stream consumer reads",
                    StreamConsumerStatus::offset),
            new ConsumerFamily("warren_stream_consumer_offset_lag",
                    "messages from a stream consumer's offset to the stream's last offset", StreamConsumerStatus::lag));

    private StreamSeries() {
    }

    static void write(Writer w, List<QueueView> queues) throws IOException {
        for (Family f : STREAM) {
            head(w, f.name, f.help);
            for (QueueView q : queues) {
                if (q.stream() != null) {
                    series(w, f.name, q, null, f.value.applyAsLong(q.stream()));
                }
            }
        }
        for (ConsumerFamily f : CONSUMER) {
            head(w, f.name, f.help);
            for (QueueView q : queues) {
                if (q.stream() == null) {
                    continue;
                }
                for (StreamConsumerStatus c : byTag(q.stream().consumers()).values()) {
                    if (c.offset() >= 0) {
                        series(w, f.name, q, c.tag(), f.value.applyAsLong(c));
                    }
                }
            }
        }
    }

    // a tag is unique on a channel only: of two consumers with one tag on a stream, the one further behind is shown
    private static Map<String, StreamConsumerStatus> byTag(List<StreamConsumerStatus> consumers) {
        Map<String, StreamConsumerStatus> out = new LinkedHashMap<>();
        for (StreamConsumerStatus c : consumers) {
            out.merge(c.tag(), c, (a, b) -> a.lag() >= b.lag() ? a : b);
        }
        return out;
    }

    private static void head(Writer w, String name, String help) throws IOException {
        w.write("# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n");
    }

    private static void series(Writer w, String name, QueueView q, String tag, long value) throws IOException {
        w.write(name);
        w.write("{queue=\"");
        PerObjectMetrics.escape(w, q.name());
        w.write("\",vhost=\"");
        PerObjectMetrics.escape(w, q.vhost());
        if (tag != null) {
            w.write("\",consumer_tag=\"");
            PerObjectMetrics.escape(w, tag);
        }
        w.write("\"} ");
        w.write(Double.toString(value));
        w.write('\n');
    }
}
