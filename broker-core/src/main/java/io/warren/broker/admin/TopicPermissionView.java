package io.warren.broker.admin;

/** A user's topic permission on one exchange of a vhost: write and read patterns over routing keys. */
public record TopicPermissionView(String user, String vhost, String exchange, String write, String read) {
}
