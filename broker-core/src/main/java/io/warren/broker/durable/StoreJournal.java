package io.warren.broker.durable;

import io.warren.broker.auth.Permission;
import io.warren.broker.auth.User;
import io.warren.broker.policy.Policy;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.ExchangeEntity;
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
import java.util.List;
import java.util.Map;

/**
 * Writes the changes that must survive a restart to the definitions store (or a cluster's log in front of it),
 * with RabbitMQ's rules: durable
 * exchanges (auto-delete ones too), durable queues unless exclusive (auto-delete ones too), bindings whose both
 * ends survive, and every vhost, user, permission and policy.
 *
 * <p>It records only between {@link #startRecording()} and {@link #stopRecording()}: not while the broker
 * replays the store at start-up (that would write back what was just read), and not while it shuts down,
 * when closing connections auto-deletes queues and exchanges that must come back after the restart.
 */
public final class StoreJournal implements DefinitionJournal {
    private final DefinitionWriter store;
    private final DefinitionJournal transients;
    private volatile boolean recording;

    /** Writes to the store directly, or through a cluster's replicated log. */
    public StoreJournal(DefinitionWriter store) {
        this(store, DefinitionJournal.NONE);
    }

    /** transients: told of the exchanges, queues and bindings that do not survive a restart (a cluster's). */
    public StoreJournal(DefinitionWriter store, DefinitionJournal transients) {
        this.store = store;
        this.transients = transients;
    }

    public void startRecording() {
        recording = true;
    }

    public void stopRecording() {
        recording = false;
    }

    /** Whether a queue's definition outlives the broker process. */
    public static boolean survivesRestart(AmqpQueue q) {
        return q.durable() && !q.exclusive();
    }

    /** Whether an exchange's definition outlives the broker process (built-in ones are recreated anyway). */
    public static boolean survivesRestart(ExchangeEntity x) {
        return x.durable();
    }

    private static boolean survivesRestart(Destination d) {
        return d instanceof AmqpQueue q ? survivesRestart(q) : survivesRestart((ExchangeEntity) d);
    }

    @Override
    public void vhostAdded(String vhost) {
        if (recording) {
            store.putVhost(new VhostRow(vhost));
        }
    }

    @Override
    public void userPut(User user) {
        if (recording) {
            store.putUser(new UserRow(user.name(), user.password().base64(), user.password().algorithm(),
                    List.copyOf(user.tags())));
        }
    }

    @Override
    public void userDeleted(String user) {
        if (recording) {
            store.deleteUser(user);
        }
    }

    @Override
    public void permissionSet(String user, String vhost, Permission p) {
        if (recording) {
            store.putPermission(new PermissionRow(user, vhost, p.configure(), p.write(), p.read()));
        }
    }

    @Override
    public void permissionCleared(String user, String vhost) {
        if (recording) {
            store.deletePermission(user, vhost);
        }
    }

    @Override
    public void exchangeDeclared(String vhost, ExchangeEntity x) {
        if (recording && survivesRestart(x)) {
            store.putExchange(new ExchangeRow(vhost, x.name(), x.type(), x.autoDelete(), x.internal(),
                    ArgumentsJson.write(x.arguments())));
        } else if (recording) {
            transients.exchangeDeclared(vhost, x);
        }
    }

    @Override
    public void exchangeDeleted(String vhost, ExchangeEntity x) {
        if (recording && survivesRestart(x)) {
            store.deleteExchange(vhost, x.name());
        } else if (recording) {
            transients.exchangeDeleted(vhost, x);
        }
    }

    @Override
    public void queueDeclared(AmqpQueue q) {
        if (recording && survivesRestart(q)) {
            store.putQueue(new QueueRow(q.vhost(), q.name(), q.autoDelete(), ArgumentsJson.write(q.arguments())));
        } else if (recording) {
            transients.queueDeclared(q);
        }
    }

    @Override
    public void queueDeleted(AmqpQueue q) {
        if (recording && survivesRestart(q)) {
            store.deleteQueue(q.vhost(), q.name());
        } else if (recording) {
            transients.queueDeleted(q);
        }
    }

    @Override
    public void bound(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                      Map<String, Object> arguments) {
        if (recording && survivesRestart(source) && survivesRestart(destination)) {
            store.putBinding(row(vhost, source, destination, routingKey, arguments));
        } else if (recording) {
            transients.bound(vhost, source, destination, routingKey, arguments);
        }
    }

    @Override
    public void unbound(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                        Map<String, Object> arguments) {
        if (recording && survivesRestart(source) && survivesRestart(destination)) {
            store.deleteBinding(row(vhost, source, destination, routingKey, arguments));
        } else if (recording) {
            transients.unbound(vhost, source, destination, routingKey, arguments);
        }
    }

    @Override
    public void policySet(Policy p) {
        if (recording) {
            store.putPolicy(new PolicyRow(p.vhost(), p.name(), p.pattern(), p.applyTo().label(), p.priority(),
                    PolicyJson.write(p.definition())));
        }
    }

    @Override
    public void policyCleared(String vhost, String policy) {
        if (recording) {
            store.deletePolicy(vhost, policy);
        }
    }

    @Override
    public void vhostDeleted(String vhost) {
        if (recording) {
            store.deleteVhost(vhost);
        }
    }

    @Override
    public void vhostMetadataSet(String vhost, String description, List<String> tags, String defaultQueueType) {
        if (recording) {
            store.putVhostMetadata(new VhostMetadataRow(vhost, description, tags, defaultQueueType));
        }
    }

    @Override
    public void topicPermissionSet(String user, String vhost, String exchange, String write, String read) {
        if (recording) {
            store.putTopicPermission(new TopicPermissionRow(user, vhost, exchange, write, read));
        }
    }

    @Override
    public void topicPermissionCleared(String user, String vhost, String exchange) {
        if (recording) {
            store.deleteTopicPermission(user, vhost, exchange);
        }
    }

    @Override
    public void userLimitsSet(String user, String limitsJson) {
        if (recording) {
            store.putUserLimits(new UserLimitsRow(user, limitsJson));
        }
    }

    @Override
    public void parameterSet(String vhost, String component, String name, String valueJson) {
        if (recording) {
            store.putParameter(new ParameterRow(vhost, component, name, valueJson));
        }
    }

    @Override
    public void parameterCleared(String vhost, String component, String name) {
        if (recording) {
            store.deleteParameter(vhost, component, name);
        }
    }

    @Override
    public void globalParameterSet(String name, String valueJson) {
        if (recording) {
            store.putGlobalParameter(new GlobalParameterRow(name, valueJson));
        }
    }

    @Override
    public void globalParameterCleared(String name) {
        if (recording) {
            store.deleteGlobalParameter(name);
        }
    }

    /** A binding as a row of the definitions store (its arguments as sorted JSON text). */
    public static BindingRow row(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                                  Map<String, Object> arguments) {
        BindingRow.DestinationType type = destination instanceof AmqpQueue
                ? BindingRow.DestinationType.QUEUE : BindingRow.DestinationType.EXCHANGE;
        return new BindingRow(vhost, source.name(), destination.name(), type, routingKey == null ? "" : routingKey,
                ArgumentsJson.write(arguments));
    }
}
