package io.warren.broker.admin;

/**
 * A consumer with where it is: the node its client is connected to and the client's address, as RabbitMQ's
 * channel_details name them; in a cluster, consumers of one queue can be on every node.
 */
public record NodeConsumerView(String node, String peerHost, int peerPort, ConsumerView consumer) {
}
