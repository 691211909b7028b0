package io.warren.broker.admin;

/** How many AMQP connections and channels are open. */
public record ConnectionCountsView(int connections, int channels) {
}
