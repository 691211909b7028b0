package io.warren.broker.channel;

import static io.warren.codec.ReplyCodes.NOT_FOUND;
import static io.warren.codec.ReplyCodes.PRECONDITION_FAILED;

import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.error.AmqpException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.quorum.QuorumDeclareRules;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.broker.vhost.ReplyToRegistry;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.Method;
import io.warren.codec.methods.Exchange;
import io.warren.codec.methods.Queue;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Executor;

/**
 * exchange.* and queue.* methods of a channel: declaring, binding, purging and deleting. On a single node a change
 * is made inline; in a cluster, where it waits for a majority's commit, on the broker's definition-change thread,
 * the channel pausing meanwhile (its later frames wait, as for a queue's answer) while the event loop goes on.
 */
final class TopologyMethods {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AmqpChannel channel;
    private final AmqpConnection connection;
    private final VirtualHost vhost;
    private final Access access;
    /** Null on a single node: changes are made inline. */
    private final Executor definitionChanges;
    private String lastQueue;

    TopologyMethods(AmqpChannel channel, AmqpConnection connection, Access access) {
        this.channel = channel;
        this.connection = connection;
        this.vhost = connection.vhost();
        this.access = access;
        this.definitionChanges = connection.broker().definitionChanges();
    }

    /** Makes the method's change (which may wait for the cluster) and then sends the reply, if any. */
    private void change(Method method, Runnable change, Method reply) {
        if (definitionChanges == null) {
            change.run();
            if (reply != null) {
                channel.send(reply);
            }
            return;
        }
        channel.callOffLoop(definitionChanges, method, () -> {
            change.run();
            return reply == null ? null : () -> channel.send(reply);
        });
    }

    // ---- exchanges ----

    void declare(Exchange.Declare d) {
        String name = Names.strip(d.exchange());
        if (!d.passive()) {
            access.configure("exchange", name);
        }
        if (d.passive()) {
            // a read: never waits for the cluster
            vhost.declareExchange(name, d.type(), true, d.durable(), d.autoDelete(), d.internal(), d.arguments());
            if (!d.noWait()) {
                channel.send(new Exchange.DeclareOk());
            }
            return;
        }
        change(d, () -> vhost.declareExchange(name, d.type(), false, d.durable(), d.autoDelete(),
                d.internal(), d.arguments()), d.noWait() ? null : new Exchange.DeclareOk());
    }

    void delete(Exchange.Delete d) {
        String name = Names.strip(d.exchange());
        access.configure("exchange", name);
        change(d, () -> vhost.deleteExchange(name, d.ifUnused()), d.noWait() ? null : new Exchange.DeleteOk());
    }

    void bind(Exchange.Bind b) {
        ExchangeEntity destination = vhost.existingExchange(Names.strip(b.destination()));
        ExchangeEntity source = vhost.existingExchange(Names.strip(b.source()));
        access.write("exchange", destination.name());
        access.read("exchange", source.name());
        TopicAccess.checkRead(connection, source, b.routingKey());
        change(b, () -> vhost.bind(source.name(), destination, b.routingKey(), b.arguments()),
                b.noWait() ? null : new Exchange.BindOk());
    }

    void unbind(Exchange.Unbind u) {
        String destinationName = Names.strip(u.destination());
        String sourceName = Names.strip(u.source());
        access.write("exchange", destinationName);
        checkNotDefault(destinationName);
        checkNotDefault(sourceName);
        access.read("exchange", sourceName);
        ExchangeEntity destination = vhost.exchange(destinationName);
        ExchangeEntity source = vhost.exchange(sourceName);
        Exchange.UnbindOk reply = u.noWait() ? null : new Exchange.UnbindOk();
        // as in RabbitMQ, removing what is not there (binding, source or destination) succeeds
        if (destination != null && source != null) {
            TopicAccess.checkRead(connection, source, u.routingKey());
            change(u, () -> vhost.unbind(sourceName, destination, u.routingKey(), u.arguments()), reply);
        } else if (reply != null) {
            channel.send(reply);
        }
    }

    // ---- queues ----

    void declare(Queue.Declare d) {
        String requested = Names.strip(d.queue());
        if (requested.startsWith(ReplyToRegistry.PSEUDO_QUEUE)) {
            declareReplyTo(requested, d.noWait());
            return;
        }
        if (!d.passive() && requested.startsWith("amq.")) {
            // only the broker names queues amq.*, even when redeclaring a server-named one (as RabbitMQ)
            throw AmqpException.channel(io.warren.codec.ReplyCodes.ACCESS_REFUSED,
                    "queue name '%s' contains reserved prefix 'amq.*'", requested);
        }
        if (requested.isEmpty() && !d.passive() && QuorumDeclareRules.isQuorum(d.arguments())) {
            // a quorum queue outlives its connection: a generated name nobody kept would lose it (as RabbitMQ)
            QuorumDeclareRules.check(requested, vhost.name(), d.durable(), d.exclusive(), d.autoDelete(),
                    d.arguments());
        }
        String name = requested.isEmpty() && !d.passive() ? "amq.gen-" + randomName() : requested;
        if (d.passive()) {
            AmqpQueue q = vhost.existingQueue(resolve(name));
            checkExclusive(q);
            declared(q, false, true, d.noWait());
            return;
        }
        access.configure("queue", name);
        AmqpQueue existing = vhost.queue(name);
        if (existing != null) {
            checkExclusive(existing);
        }
        if (definitionChanges != null) {
            channel.callOffLoop(definitionChanges, d, () -> {
                var result = vhost.declareQueue(name, d.durable(), d.exclusive(), d.autoDelete(), d.arguments(),
                        connection);
                return () -> declared(result.queue(), result.created(), false, d.noWait());
            });
            return;
        }
        var result = vhost.declareQueue(name, d.durable(), d.exclusive(), d.autoDelete(), d.arguments(),
                connection);
        declared(result.queue(), result.created(), false, d.noWait());
    }

    // on the channel's thread
    private void declared(AmqpQueue q, boolean created, boolean passive, boolean noWait) {
        if (created && q.exclusive() && !connection.ownExclusiveQueue(q)) {
            // the connection closed while the declare waited for the cluster: nobody owns the queue
            Runnable orphaned = () -> {
                if (vhost.removeQueue(q)) {
                    q.execute(q::delete);
                }
            };
            if (definitionChanges == null) {
                orphaned.run();
            } else {
                definitionChanges.execute(orphaned);
            }
            return;
        }
        q.checkAvailable();
        lastQueue = q.name();
        if (noWait) {
            return;
        }
        String queueName = q.name();
        channel.callQueueLater(q, (queue, done) -> {
            if (passive) {
                queue.touch(); // a passive declare is a use of the queue (x-expires), as RabbitMQ's queue stat
            }
            queue.counts(new AmqpQueue.CountsAnswer() {
                @Override
                public void counted(int messages, int consumers) {
                    done.accept(() -> channel.send(new Queue.DeclareOk(queueName, messages, consumers)));
                }

                @Override
                public void failed(AmqpException error) {
                    done.accept(() -> {
                        throw error;
                    });
                }
            });
        }, null);
    }

    /**
     * Every declare of the direct reply-to pseudo-queue or of a reply address is passive, as in RabbitMQ: the
     * pseudo-queue always exists, an address while a channel consumes its replies, with that one consumer.
     */
    private void declareReplyTo(String name, boolean noWait) {
        if (!name.equals(ReplyToRegistry.PSEUDO_QUEUE) && vhost.replyTo().lookup(name) == null) {
            throw AmqpException.channel(NOT_FOUND, "no queue '%s' in vhost '%s'", name, vhost.name());
        }
        lastQueue = name;
        if (!noWait) {
            channel.send(new Queue.DeclareOk(name, 0, 1));
        }
    }

    void bind(Queue.Bind b) {
        AmqpQueue q = queueNamed(Names.strip(b.queue()));
        String key = b.routingKey().isEmpty() && b.queue().isEmpty() ? q.name() : b.routingKey();
        ExchangeEntity x = vhost.existingExchange(Names.strip(b.exchange()));
        access.write("queue", q.name());
        access.read("exchange", x.name());
        TopicAccess.checkRead(connection, x, key);
        change(b, () -> vhost.bind(x.name(), q, key, b.arguments()), b.noWait() ? null : new Queue.BindOk());
    }

    void unbind(Queue.Unbind u) {
        String name = resolve(Names.strip(u.queue()));
        String key = u.routingKey().isEmpty() && u.queue().isEmpty() ? name : u.routingKey();
        String exchange = Names.strip(u.exchange());
        access.write("queue", name);
        checkNotDefault(exchange);
        access.read("exchange", exchange);
        AmqpQueue q = vhost.queue(name);
        ExchangeEntity x = vhost.exchange(exchange);
        // as in RabbitMQ, removing what is not there (binding, queue or exchange) succeeds
        if (q != null && x != null) {
            checkExclusive(q);
            TopicAccess.checkRead(connection, x, key);
            change(u, () -> vhost.unbind(exchange, q, key, u.arguments()), new Queue.UnbindOk());
            return;
        }
        channel.send(new Queue.UnbindOk());
    }

    private static void checkNotDefault(String exchange) {
        if (exchange.isEmpty()) {
            throw AmqpException.channel(io.warren.codec.ReplyCodes.ACCESS_REFUSED,
                    "operation not permitted on the default exchange");
        }
    }

    void purge(Queue.Purge p) {
        AmqpQueue q = queueNamed(p.queue());
        access.read("queue", q.name());
        boolean noWait = p.noWait();
        channel.callQueueLater(q, (queue, done) -> queue.purge(new AmqpQueue.PurgeAnswer() {
            @Override
            public void purged(int count) {
                done.accept(noWait ? null : () -> channel.send(new Queue.PurgeOk(count)));
            }

            @Override
            public void failed(AmqpException error) {
                done.accept(() -> {
                    throw error;
                });
            }
        }), null);
    }

    void delete(Queue.Delete d) {
        String name = resolve(Names.strip(d.queue()));
        AmqpQueue q = vhost.queue(name);
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
        if (definitionChanges != null) {
            deleteInCluster(d, q);
            return;
        }
        channel.callQueue(q, queue -> {
            checkDeletable(queue, ifUnused, ifEmpty);
            int count = vhost.removeQueue(queue) ? queue.delete() : 0;
            return () -> deleted(queue, count, noWait);
        });
    }

    /**
     * The conditions are checked on the queue's thread, the removal waits for the cluster on the definition-change
     * thread, then the queue's thread deletes it: a consumer that arrives in between is cancelled with the queue.
     */
    private void deleteInCluster(Queue.Delete d, AmqpQueue q) {
        boolean noWait = d.noWait();
        channel.callQueue(q, queue -> {
            checkDeletable(queue, d.ifUnused(), d.ifEmpty());
            return () -> channel.callOffLoop(definitionChanges, d, () -> {
                boolean removed = vhost.removeQueue(queue);
                return () -> {
                    if (!removed) {
                        deleted(queue, 0, noWait);
                        return;
                    }
                    channel.callQueue(queue, gone -> {
                        int count = gone.delete();
                        return () -> deleted(gone, count, noWait);
                    });
                };
            });
        });
    }

    private void checkDeletable(AmqpQueue queue, boolean ifUnused, boolean ifEmpty) {
        String name = queue.name();
        if (ifUnused && queue.consumerCount() > 0) {
            throw AmqpException.channel(PRECONDITION_FAILED, "queue '%s' in vhost '%s' in use", name,
                    vhost.name());
        }
        if (ifEmpty && queue.readyCount() > 0) {
            throw AmqpException.channel(PRECONDITION_FAILED, "queue '%s' in vhost '%s' is not empty", name,
                    vhost.name());
        }
    }

    // on the channel's thread
    private void deleted(AmqpQueue queue, int count, boolean noWait) {
        connection.forgetExclusiveQueue(queue);
        if (!noWait) {
            channel.send(new Queue.DeleteOk(count));
        }
    }

    /** The queue a method names; the empty name means the last queue declared on this channel. */
    AmqpQueue queueNamed(String name) {
        AmqpQueue q = vhost.existingQueue(resolve(name));
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
    void checkExclusive(AmqpQueue q) {
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
