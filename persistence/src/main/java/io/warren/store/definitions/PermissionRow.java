package io.warren.store.definitions;

/** A user's stored configure, write and read patterns in one vhost. */
public record PermissionRow(String user, String vhost, String configure, String write, String read) {
}
