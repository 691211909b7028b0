package io.warren.broker.superstream;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A super stream as the broker's topology shows it: its exchange's vhost and name, its partition streams in
 * partition order, and the stream arguments they were declared with (without x-queue-type).
 */
public record SuperStream(String vhost, String name, List<String> partitions, Map<String, Object> arguments) {
    public SuperStream {
        partitions = List.copyOf(partitions);
        // AMQP void is a legal argument value, which Map.copyOf would refuse
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }
}
