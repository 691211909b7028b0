package io.warren.cluster.transients;

/**
 * Who owns an exclusive queue that lives on another node, as this node's proxy of it records: no connection here
 * is it, so every use from here is refused as RabbitMQ refuses another connection's exclusive queue (405).
 */
public record RemoteOwner(String node, String connection) {
}
