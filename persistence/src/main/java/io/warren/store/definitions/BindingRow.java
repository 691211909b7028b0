package io.warren.store.definitions;

/**
 * A stored binding from an exchange to a queue or another exchange. All fields make up its identity, arguments
 * included, so the caller must write equal arguments as equal text (for instance with sorted keys).
 */
public record BindingRow(String vhost, String source, String destination, DestinationType destinationType,
                         String routingKey, String argumentsJson) {

    /** What a binding's destination names. */
    public enum DestinationType {
        QUEUE, EXCHANGE
    }
}
