package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.NOT_FOUND;
import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.MessageQueue;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.methods.Exchange;
import io.warren.codec.methods.Queue;
import java.security.SecureRandom;
import java.util.Base64;

/** exchange.* and queue.* methods of a channel: declaring, binding, purging and deleting. */
final class TopologyMethods {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AmqpChannel channel;
    private final AmqpConnection connection;
    private final VirtualHost vhost;
    private final Access access;
    private String lastQueue;

    TopologyMethods(AmqpChannel channel, AmqpConnection connection, Access access) {
        this.channel = channel;
        this.connection = connection;
        this.vhost = connection.vhost();
        this.access = access;
    }

    // ---- exchanges ----

    void declare(Exchange.Declare d) {
        if (!d.passive()) {
            access.configure("exchange", d.exchange());
        }
        vhost.declareExchange(d.exchange(), d.type(), d.passive(), d.durable(), d.autoDelete(), d.internal(),
                d.arguments());
        if (!d.noWait()) {
            channel.send(new Exchange.DeclareOk());
        }
    }

    void delete(Exchange.Delete d) {
        access.configure("exchange", d.exchange());
        vhost.deleteExchange(d.exchange(), d.ifUnused());
        if (!d.noWait()) {
            channel.send(new Exchange.DeleteOk());
        }
    }

    void bind(Exchange.Bind b) {
        ExchangeEntity destination = vhost.existingExchange(b.destination());
        ExchangeEntity source = vhost.existingExchange(b.source());
        access.write("exchange", destination.name());
        access.read("exchange", source.name());
        TopicAccess.checkRead(connection, source, b.routingKey());
        vhost.bind(source.name(), destination, b.routingKey(), b.arguments());
        if (!b.noWait()) {
            channel.send(new Exchange.BindOk());
        }
    }

    void unbind(Exchange.Unbind u) {
        ExchangeEntity destination = vhost.existingExchange(u.destination());
        ExchangeEntity source = vhost.existingExchange(u.source());
        access.write("exchange", destination.name());
        access.read("exchange", source.name());
        TopicAccess.checkRead(connection, source, u.routingKey());
        vhost.unbind(source.name(), destination, u.routingKey(), u.arguments());
        if (!u.noWait()) {
            channel.send(new Exchange.UnbindOk());
        }
    }

    // ---- queues ----

    void declare(Queue.Declare d) {
        if (!d.passive() && d.queue().startsWith("amq.")) {
            // only the broker names queues amq.*, even when redeclaring a server-named one (as RabbitMQ)
            throw AmqpException.channel(io.warren.codec.ReplyCodes.ACCESS_REFUSED,
                    "queue name '%s' contains reserved prefix 'amq.*'", d.queue());
        }
        String name = d.queue().isEmpty() && !d.passive() ? "amq.gen-" + randomName() : d.queue();
        MessageQueue q;
        if (d.passive()) {
            q = vhost.existingQueue(resolve(name));
            checkExclusive(q);
        } else {
            access.configure("queue", name);
            MessageQueue existing = vhost.queue(name);
            if (existing != null) {
                checkExclusive(existing);
            }
            var result = vhost.declareQueue(name, d.durable(), d.exclusive(), d.autoDelete(), d.arguments(),
                    connection);
            q = result.queue();
            if (result.created() && q.exclusive()) {
                connection.ownExclusiveQueue(q);
            }
        }
        lastQueue = q.name();
        if (d.noWait()) {
            return;
        }
        String queueName = q.name();
        channel.callQueue(q, queue -> {
            int messages = queue.readyCount();
            int consumers = queue.consumerCount();
            return () -> channel.send(new Queue.DeclareOk(queueName, messages, consumers));
        });
    }

    void bind(Queue.Bind b) {
        MessageQueue q = queueNamed(b.queue());
        String key = b.routingKey().isEmpty() && b.queue().isEmpty() ? q.name() : b.routingKey();
        ExchangeEntity x = vhost.existingExchange(b.exchange());
        access.write("queue", q.name());
        access.read("exchange", x.name());
        TopicAccess.checkRead(connection, x, key);
        vhost.bind(x.name(), q, key, b.arguments());
        if (!b.noWait()) {
            channel.send(new Queue.BindOk());
        }
    }

    void unbind(Queue.Unbind u) {
        MessageQueue q = queueNamed(u.queue());
        ExchangeEntity x = vhost.existingExchange(u.exchange());
        access.write("queue", q.name());
        access.read("exchange", x.name());
        TopicAccess.checkRead(connection, x, u.routingKey());
        vhost.unbind(x.name(), q, u.routingKey(), u.arguments());
        channel.send(new Queue.UnbindOk());
    }

    void purge(Queue.Purge p) {
        MessageQueue q = queueNamed(p.queue());
        access.read("queue", q.name());
        boolean noWait = p.noWait();
        channel.callQueue(q, queue -> {
            int purged = queue.purge();
            return noWait ? null : () -> channel.send(new Queue.PurgeOk(purged));
        });
    }

    void delete(Queue.Delete d) {
        String name = resolve(d.queue());
        MessageQueue q = vhost.queue(name);
        access.configure("queue", name);
        if (q == null) {
            // deleting what is not there succeeds, as in RabbitMQ
            if (!d.noWait()) {
                channel.send(new Queue.DeleteOk(0));
            }
            return;
        }
        checkExclusive(q);
        boolean ifUnused = d.ifUnused();
        boolean ifEmpty = d.ifEmpty();
        boolean noWait = d.noWait();
        channel.callQueue(q, queue -> {
            if (ifUnused && queue.consumerCount() > 0) {
                throw AmqpException.channel(PRECONDITION_FAILED, "queue '%s' in vhost '%s' in use", name,
                        vhost.name());
            }
            if (ifEmpty && queue.readyCount() > 0) {
                throw AmqpException.channel(PRECONDITION_FAILED, "queue '%s' in vhost '%s' is not empty", name,
                        vhost.name());
            }
            int count = vhost.removeQueue(queue) ? queue.delete() : 0;
            return () -> {
                connection.forgetExclusiveQueue(queue);
                if (!noWait) {
                    channel.send(new Queue.DeleteOk(count));
                }
            };
        });
    }

    /** The queue a method names; the empty name means the last queue declared on this channel. */
    MessageQueue queueNamed(String name) {
        MessageQueue q = vhost.existingQueue(resolve(name));
        checkExclusive(q);
        return q;
    }

    private String resolve(String name) {
        if (!name.isEmpty()) {
            return name;
        }
        if (lastQueue == null) {
            throw AmqpException.channel(NOT_FOUND, "no previously declared queue");
        }
        return lastQueue;
    }

    /** An exclusive queue belongs to the connection that declared it. */
    void checkExclusive(MessageQueue q) {
        if (q.exclusive() && q.exclusiveOwner() != connection) {
            throw vhost.exclusivelyLocked(q.name());
        }
    }

    static String randomName() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
