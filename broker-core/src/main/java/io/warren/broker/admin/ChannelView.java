package io.warren.broker.admin;

import java.util.List;

/** A channel as of a snapshot taken on its connection's thread, with its message totals. */
public record ChannelView(String connectionName, int number, String user, String vhost, int unacked,
                          int prefetchCount, int globalPrefetchCount, boolean confirm, boolean transactional,
                          List<ConsumerView> consumers, MessageTotalsView totals) {
    /** RabbitMQ's channel name: the connection's name and the channel number. */
    public String name() {
        return connectionName + " (" + number + ")";
    }
}
