package io.warren.cluster.transients;

import io.warren.store.definitions.ExchangeRow;

/**
 * A transient exchange as the cluster's log carries it. It belongs to the node (and that node's run) it was
 * declared on, and goes when that node goes away or restarts.
 */
public record TransientExchangeRow(String vhost, String name, String type, boolean autoDelete, boolean internal,
                                   String argumentsJson, String node, String incarnation) {
    public static TransientExchangeRow of(ExchangeRow x, String node, String incarnation) {
        return new TransientExchangeRow(x.vhost(), x.name(), x.type(), x.autoDelete(), x.internal(),
                x.argumentsJson(), node, incarnation);
    }
}
