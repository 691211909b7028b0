package io.warren.store.definitions;

/** A user's stored write and read patterns over routing keys of one topic exchange in one vhost. */
public record TopicPermissionRow(String user, String vhost, String exchange, String write, String read) {
}
