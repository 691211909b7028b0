package io.warren.broker.vhost;

/** What a binding points at: a queue, or another exchange (exchange-to-exchange bindings). */
public interface Destination {
    String name();
}
