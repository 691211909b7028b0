package io.warren.broker.admin;

/**
 * Broker-wide counts beside the message totals, since start: connections, channels and queues coming and going,
 * what became of publishes (routed, put into queues, dropped as unroutable, confirmed), empty basic.gets, and a
 * few current counts (publishes awaiting their confirm, channels that publish, open AMQP sockets).
 */
public record BrokerCountersView(long connectionsOpened, long connectionsClosed, long channelsOpened,
                                 long channelsClosed, long queuesDeclared, long queuesCreated, long queuesDeleted,
                                 long routed, long enqueued, long droppedUnroutable, long getEmpty,
                                 long confirmsAcked, long unconfirmed, int publishers, int amqpSockets) {
}
