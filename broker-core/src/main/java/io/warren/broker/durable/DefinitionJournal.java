package io.warren.broker.durable;

import io.warren.broker.auth.Permission;
import io.warren.broker.auth.User;
import io.warren.broker.policy.Policy;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.ExchangeEntity;
import java.util.Map;

/**
 * Told of every definition change, before it takes effect in memory, so that what must survive a restart is
 * written down first. Callers report every change; the journal decides what is worth keeping (transient,
 * exclusive and built-in things are not). A call that throws means the change must not happen.
 */
public interface DefinitionJournal {
    /** Records nothing: for a broker without a data directory. */
    DefinitionJournal NONE = new DefinitionJournal() {
    };

    default void vhostAdded(String vhost) {
    }

    default void userPut(User user) {
    }

    default void userDeleted(String user) {
    }

    default void permissionSet(String user, String vhost, Permission permission) {
    }

    default void permissionCleared(String user, String vhost) {
    }

    default void exchangeDeclared(String vhost, ExchangeEntity exchange) {
    }

    /** The exchange is going, and with it every binding from or to it. */
    default void exchangeDeleted(String vhost, ExchangeEntity exchange) {
    }

    default void queueDeclared(AmqpQueue queue) {
    }

    /** The queue is going, and with it every binding to it. */
    default void queueDeleted(AmqpQueue queue) {
    }

    default void bound(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                       Map<String, Object> arguments) {
    }

    default void unbound(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                         Map<String, Object> arguments) {
    }

    /** A policy was added or replaced. */
    default void policySet(Policy policy) {
    }

    default void policyCleared(String vhost, String policy) {
    }

    /** The vhost is gone, and with it everything in it. */
    default void vhostDeleted(String vhost) {
    }

    /** A vhost's description, tags and default queue type (null: none) were set. */
    default void vhostMetadataSet(String vhost, String description, java.util.List<String> tags,
                                  String defaultQueueType) {
    }

    default void topicPermissionSet(String user, String vhost, String exchange, String write, String read) {
    }

    /** The user's topic permission on the exchange, or on every exchange when it is null, was taken away. */
    default void topicPermissionCleared(String user, String vhost, String exchange) {
    }

    /** The user's limits, as a JSON object ("{}": none). */
    default void userLimitsSet(String user, String limitsJson) {
    }

    /** A runtime parameter (vhost limits included) was set; its value as JSON. */
    default void parameterSet(String vhost, String component, String name, String valueJson) {
    }

    default void parameterCleared(String vhost, String component, String name) {
    }

    default void globalParameterSet(String name, String valueJson) {
    }

    default void globalParameterCleared(String name) {
    }
}
