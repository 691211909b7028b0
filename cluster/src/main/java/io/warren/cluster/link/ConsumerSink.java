package io.warren.cluster.link;

import io.warren.broker.message.Message;
import java.util.List;

/** Where the link hands what the home node sends a consumer on this node; called on the link's thread. */
public interface ConsumerSink {
    /** One message the home node delivered: its id there (to settle it by), whether redelivered, the message. */
    record Delivery(long id, boolean redelivered, Message message) {
    }

    /** Messages for the consumer, in the queue's order; each message's one reference is the sink's. */
    void deliver(List<Delivery> deliveries);

    /**
     * The home node's answer to a consumer started with its arguments: code 0 when it took it, else the AMQP reply
     * code and text of its refusal (the consumer is then gone). Called once, before any delivery.
     */
    default void consumed(int code, String text) {
    }

    /** The home node ended the consumer, or the link to it dropped (what it delivered goes back to its queue). */
    void cancelled(String why);
}
