package io.warren.broker.params;

import java.util.List;

/**
 * What RabbitMQ 3.11+ keeps about a vhost besides its name; defaultQueueType is null when none was given. Warren
 * keeps and shows it; only classic queues exist here, so a default of another type is not acted on.
 */
public record VhostMetadata(String description, List<String> tags, String defaultQueueType) {
    public static final VhostMetadata NONE = new VhostMetadata("", List.of(), null);

    public VhostMetadata {
        description = description == null ? "" : description;
        tags = List.copyOf(tags);
    }
}
