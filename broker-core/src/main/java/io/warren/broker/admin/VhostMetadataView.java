package io.warren.broker.admin;

import java.util.List;

/** A vhost's description, tags and default queue type (null when none was given). */
public record VhostMetadataView(String description, List<String> tags, String defaultQueueType) {
}
