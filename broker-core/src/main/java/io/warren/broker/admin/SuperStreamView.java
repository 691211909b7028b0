package io.warren.broker.admin;

import java.util.List;
import java.util.Map;

/** A super stream: its exchange's name, its partition streams in order, and their stream arguments. */
public record SuperStreamView(String vhost, String name, List<String> partitions, Map<String, Object> arguments) {
}
