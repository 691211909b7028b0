package io.warren.broker.admin;

/** A user's configure, write and read patterns in one vhost. */
public record PermissionView(String user, String vhost, String configure, String write, String read) {
}
