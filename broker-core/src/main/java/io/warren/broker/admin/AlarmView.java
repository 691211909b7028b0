package io.warren.broker.admin;

/** An active resource alarm: which resource (memory, disk) on which node. */
public record AlarmView(String resource, String node) {
}
