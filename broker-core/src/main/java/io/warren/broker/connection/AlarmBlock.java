package io.warren.broker.connection;

import io.warren.broker.alarm.Resource;
import io.warren.broker.alarm.ResourceAlarms;
import io.warren.codec.methods.Connection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the resource alarms do to one connection, following RabbitMQ: a connection that publishes while an alarm
 * is on stops being read (its client hears connection.blocked if it announced the capability); connections
 * that only consume carry on. In a cluster an alarm on any node counts (see {@link ResourceAlarms#blocking()}).
 * When every alarm has cleared, reading resumes and the client hears
 * connection.unblocked. Connection-thread state.
 */
final class AlarmBlock {
    private static final String CAPABILITY = "connection.blocked";

    private final AmqpConnection connection;
    private final PublisherFlow flow;
    private final ResourceAlarms alarms;
    private boolean blocked;
    private boolean notified;

    AlarmBlock(AmqpConnection connection, PublisherFlow flow, ResourceAlarms alarms) {
        this.connection = connection;
        this.flow = flow;
        this.alarms = alarms;
    }

    /**
     * A content frame of a publish was just handled. The publish it belongs to goes ahead (as in RabbitMQ, the
     * frame that finds the alarm on is the last one read); then reading stops.
     */
    void publishReceived() {
        if (blocked) {
            return;
        }
        Set<Resource> active = alarms.blocking();
        if (active.isEmpty()) {
            return;
        }
        blocked = true;
        flow.holdForAlarm(true);
        if (clientWantsNotices()) {
            notified = true;
            connection.sendNotice(new Connection.Blocked(reason(active)));
        }
    }

    /**
     * The set of active alarms changed. Only the last alarm clearing matters here: a second alarm does not send a
     * second connection.blocked, and connections not yet blocked are blocked when they next publish.
     */
    void alarmsChanged() {
        if (!blocked || !alarms.blocking().isEmpty()) {
            return;
        }
        blocked = false;
        flow.holdForAlarm(false);
        if (notified) {
            notified = false;
            connection.sendNotice(Connection.Unblocked.INSTANCE);
        }
    }

    boolean isBlocked() {
        return blocked;
    }

    /** RabbitMQ's wording: "low on memory", "low on disk", "low on memory & disk". */
    static String reason(Set<Resource> active) {
        return "low on " + active.stream().map(Resource::label).collect(Collectors.joining(" & "));
    }

    private boolean clientWantsNotices() {
        return connection.clientProperties().get("capabilities") instanceof Map<?, ?> caps
                && Boolean.TRUE.equals(caps.get(CAPABILITY));
    }
}
