package io.warren.store.definitions;

import java.util.List;

/** A vhost's stored description, tags and default queue type (null when none was given). */
public record VhostMetadataRow(String vhost, String description, List<String> tags, String defaultQueueType) {
}
