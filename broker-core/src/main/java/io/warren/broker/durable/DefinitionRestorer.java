package io.warren.broker.durable;

import io.warren.broker.Broker;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.User;
import io.warren.broker.error.AmqpException;
import io.warren.broker.policy.Policy;
import io.warren.broker.policy.PolicyException;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.VirtualHost;
import io.warren.store.definitions.BindingRow;
import io.warren.store.definitions.DefinitionStoreException;
import io.warren.store.definitions.ExchangeRow;
import io.warren.store.definitions.PermissionRow;
import io.warren.store.definitions.PolicyRow;
import io.warren.store.definitions.QueueRow;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.UserRow;
import io.warren.store.definitions.VhostRow;
import java.util.LinkedHashSet;

/**
 * Recreates stored definitions in a starting broker through the same methods clients and definitions files use,
 * so a restored queue is made exactly like a declared one. Anything that no longer applies stops the start-up:
 * dropping a durable queue silently would lose its messages.
 */
public final class DefinitionRestorer {
    private final Broker broker;

    public DefinitionRestorer(Broker broker) {
        this.broker = broker;
    }

    public void restore(StoredDefinitions stored) {
        for (VhostRow v : stored.vhosts()) {
            broker.addVhost(v.name());
        }
        for (UserRow u : stored.users()) {
            broker.users().put(new User(u.name(), PasswordHash.fromBase64(u.passwordHash(), u.hashingAlgorithm()),
                    new LinkedHashSet<>(u.tags())));
        }
        for (PermissionRow p : stored.permissions()) {
            broker.users().setPermission(p.user(), p.vhost(), new Permission(p.configure(), p.write(), p.read()));
        }
        // before exchanges and queues, so that each is declared under its policy straight away
        for (PolicyRow p : stored.policies()) {
            restore(p);
        }
        for (ExchangeRow x : stored.exchanges()) {
            try {
                vhost(x.vhost(), "exchange " + x.name()).declareExchange(x.name(), x.type(), false, true,
                        x.autoDelete(), x.internal(), ArgumentsJson.read(x.argumentsJson()));
            } catch (AmqpException e) {
                throw cannotRestore("exchange '" + x.name() + "'", e);
            }
        }
        for (QueueRow q : stored.queues()) {
            try {
                vhost(q.vhost(), "queue " + q.name()).declareQueue(q.name(), true, false, q.autoDelete(),
                        ArgumentsJson.read(q.argumentsJson()), null);
            } catch (AmqpException e) {
                throw cannotRestore("queue '" + q.name() + "'", e);
            }
        }
        for (BindingRow b : stored.bindings()) {
            restore(b);
        }
    }

    private void restore(BindingRow b) {
        VirtualHost v = vhost(b.vhost(), "binding from " + b.source());
        Destination d = b.destinationType() == BindingRow.DestinationType.QUEUE ? v.queue(b.destination())
                : v.exchange(b.destination());
        String what = "binding from '" + b.source() + "' to " + b.destinationType().name().toLowerCase() + " '"
                + b.destination() + "' in vhost '" + b.vhost() + "'";
        if (d == null) {
            throw new DefinitionStoreException("cannot restore " + what + ": its destination is not stored");
        }
        try {
            v.bind(b.source(), d, b.routingKey(), ArgumentsJson.read(b.argumentsJson()));
        } catch (AmqpException e) {
            throw cannotRestore(what, e);
        }
    }

    private void restore(PolicyRow p) {
        VirtualHost v = vhost(p.vhost(), "policy " + p.name());
        try {
            v.setPolicy(Policy.of(p.vhost(), p.name(), p.pattern(), p.applyTo(), PolicyJson.read(p.definitionJson()),
                    p.priority()));
        } catch (PolicyException | IllegalArgumentException e) {
            throw new DefinitionStoreException("cannot restore policy '" + p.name() + "' in vhost '" + p.vhost()
                    + "': " + e.getMessage());
        }
    }

    private VirtualHost vhost(String name, String what) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw new DefinitionStoreException("cannot restore " + what + ": vhost '" + name + "' is not stored");
        }
        return v;
    }

    private static DefinitionStoreException cannotRestore(String what, AmqpException e) {
        return new DefinitionStoreException("cannot restore " + what + ": " + e.replyText());
    }
}
