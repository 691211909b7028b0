package io.warren.broker.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.broker.Broker;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permission;
import io.warren.broker.auth.TopicPermission;
import io.warren.broker.auth.User;
import io.warren.broker.limits.Limits;
import io.warren.broker.params.Parameter;
import io.warren.broker.params.VhostMetadata;
import io.warren.broker.policy.Policy;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.VirtualHost;
import io.warren.store.definitions.BindingRow;
import io.warren.store.definitions.DefinitionWriter;
import io.warren.store.definitions.ExchangeRow;
import io.warren.store.definitions.GlobalParameterRow;
import io.warren.store.definitions.ParameterRow;
import io.warren.store.definitions.PermissionRow;
import io.warren.store.definitions.PolicyRow;
import io.warren.store.definitions.QueueRow;
import io.warren.store.definitions.TopicPermissionRow;
import io.warren.store.definitions.UserLimitsRow;
import io.warren.store.definitions.UserRow;
import io.warren.store.definitions.VhostMetadataRow;
import io.warren.store.definitions.VhostRow;
import java.util.LinkedHashSet;

/**
 * Applies a stored-definition change to a running broker's memory, through the same methods clients use: how a
 * cluster node takes on a change another node made. The caller makes sure the broker's own journal does not send
 * the change round again. A change that no longer fits (a binding whose queue has gone) throws; the caller decides
 * whether that matters.
 */
public final class DefinitionApplier implements DefinitionWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Broker broker;

    public DefinitionApplier(Broker broker) {
        this.broker = broker;
    }

    @Override
    public void putVhost(VhostRow v) {
        broker.addVhost(v.name());
    }

    @Override
    public void deleteVhost(String name) {
        broker.removeVhost(name);
    }

    @Override
    public void putUser(UserRow u) {
        broker.users().put(new User(u.name(), PasswordHash.fromBase64(u.passwordHash(), u.hashingAlgorithm()),
                new LinkedHashSet<>(u.tags())));
    }

    @Override
    public void deleteUser(String name) {
        broker.users().deleteUser(name);
    }

    @Override
    public void putPermission(PermissionRow p) {
        broker.users().setPermission(p.user(), p.vhost(), new Permission(p.configure(), p.write(), p.read()));
    }

    @Override
    public void deletePermission(String user, String vhost) {
        broker.users().clearPermission(user, vhost);
    }

    @Override
    public void putExchange(ExchangeRow x) {
        vhost(x.vhost()).declareExchange(x.name(), x.type(), false, true, x.autoDelete(), x.internal(),
                ArgumentsJson.read(x.argumentsJson()));
    }

    @Override
    public void deleteExchange(String vhost, String name) {
        VirtualHost v = broker.vhost(vhost);
        if (v != null) {
            v.deleteExchange(name, false);
        }
    }

    @Override
    public void putQueue(QueueRow q) {
        vhost(q.vhost()).declareQueue(q.name(), true, false, q.autoDelete(), ArgumentsJson.read(q.argumentsJson()),
                null);
    }

    @Override
    public void deleteQueue(String vhost, String name) {
        VirtualHost v = broker.vhost(vhost);
        AmqpQueue q = v == null ? null : v.queue(name);
        if (q != null && v.removeQueue(q)) {
            q.execute(q::delete);
        }
    }

    @Override
    public void putBinding(BindingRow b) {
        VirtualHost v = vhost(b.vhost());
        v.bind(b.source(), destination(v, b), b.routingKey(), ArgumentsJson.read(b.argumentsJson()));
    }

    @Override
    public void deleteBinding(BindingRow b) {
        VirtualHost v = broker.vhost(b.vhost());
        if (v != null) {
            v.unbind(b.source(), destination(v, b), b.routingKey(), ArgumentsJson.read(b.argumentsJson()));
        }
    }

    private static Destination destination(VirtualHost v, BindingRow b) {
        Destination d = b.destinationType() == BindingRow.DestinationType.QUEUE ? v.queue(b.destination())
                : v.exchange(b.destination());
        if (d == null) {
            throw new IllegalStateException(b.destinationType().name().toLowerCase() + " '" + b.destination()
                    + "' in vhost '" + b.vhost() + "' does not exist here");
        }
        return d;
    }

    @Override
    public void putPolicy(PolicyRow p) {
        vhost(p.vhost()).setPolicy(Policy.of(p.vhost(), p.name(), p.pattern(), p.applyTo(),
                PolicyJson.read(p.definitionJson()), p.priority()));
    }

    @Override
    public void deletePolicy(String vhost, String name) {
        VirtualHost v = broker.vhost(vhost);
        if (v != null) {
            v.clearPolicy(name);
        }
    }

    @Override
    public void putVhostMetadata(VhostMetadataRow m) {
        broker.parameters().setMetadata(m.vhost(), new VhostMetadata(m.description(), m.tags(),
                m.defaultQueueType()));
    }

    @Override
    public void putTopicPermission(TopicPermissionRow p) {
        broker.users().setTopicPermission(p.user(), p.vhost(),
                new TopicPermission(p.user(), p.vhost(), p.exchange(), p.write(), p.read()));
    }

    @Override
    public void deleteTopicPermission(String user, String vhost, String exchange) {
        broker.users().clearTopicPermission(user, vhost, exchange);
    }

    @Override
    public void putUserLimits(UserLimitsRow l) {
        broker.users().setLimits(l.user(), Limits.fromJson(json(l.limitsJson()), Limits.USER,
                "user '" + l.user() + "'"));
    }

    @Override
    public void putParameter(ParameterRow p) {
        broker.parameters().setParameter(new Parameter(p.vhost(), p.component(), p.name(), json(p.valueJson())));
    }

    @Override
    public void deleteParameter(String vhost, String component, String name) {
        broker.parameters().clearParameter(vhost, component, name);
    }

    @Override
    public void putGlobalParameter(GlobalParameterRow p) {
        broker.parameters().setGlobalParameter(p.name(), json(p.valueJson()));
    }

    @Override
    public void deleteGlobalParameter(String name) {
        broker.parameters().clearGlobalParameter(name);
    }

    private VirtualHost vhost(String name) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw new IllegalStateException("vhost '" + name + "' does not exist here");
        }
        return v;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }
}
