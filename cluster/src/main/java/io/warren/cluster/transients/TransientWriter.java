package io.warren.cluster.transients;

import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.durable.ArgumentsJson;
import io.warren.broker.durable.DefinitionJournal;
import io.warren.broker.durable.StoreJournal;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.ExchangeEntity;
import io.warren.cluster.raft.RaftDefinitionWriter;
import io.warren.store.definitions.BindingRow;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's transient definitions (what the broker's journal does not store) through the cluster's log,
 * so that every node sees them: stamped with this node and its run. A declare or bind waits for its commit like a
 * durable one, and fails without a majority. A delete does not: the queue or exchange goes here at once (a closing
 * connection's exclusive queues must not stay), and the delete is sent again until the cluster takes it.
 */
public final class TransientWriter implements DefinitionJournal {
    private static final Logger LOG = LoggerFactory.getLogger(TransientWriter.class);
    private final String self;
    private final String incarnation;
    private final RaftDefinitionWriter log;
    private final Queue<String[]> pendingDeletes = new ConcurrentLinkedQueue<>();

    public TransientWriter(String self, String incarnation, RaftDefinitionWriter log) {
        this.self = self;
        this.incarnation = incarnation;
        this.log = log;
    }

    @Override
    public void exchangeDeclared(String vhost, ExchangeEntity x) {
        log.submitTransient(TransientOps.PUT_EXCHANGE, new TransientExchangeRow(vhost, x.name(), x.type(),
                x.autoDelete(), x.internal(), ArgumentsJson.write(x.arguments()), self, incarnation));
    }

    @Override
    public void exchangeDeleted(String vhost, ExchangeEntity x) {
        delete(TransientOps.DELETE_EXCHANGE, vhost, x.name());
    }

    @Override
    public void queueDeclared(AmqpQueue q) {
        String owner = q.exclusiveOwner() instanceof AmqpConnection c ? c.name() : null;
        log.submitTransient(TransientOps.PUT_QUEUE, new TransientQueueRow(q.vhost(), q.name(), q.durable(),
                q.exclusive(), q.autoDelete(), ArgumentsJson.write(q.arguments()), self, incarnation, owner));
    }

    @Override
    public void queueDeleted(AmqpQueue q) {
        delete(TransientOps.DELETE_QUEUE, q.vhost(), q.name());
    }

    @Override
    public void bound(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                      Map<String, Object> arguments) {
        log.submitTransient(TransientOps.PUT_BINDING, binding(vhost, source, destination, routingKey, arguments));
    }

    @Override
    public void unbound(String vhost, ExchangeEntity source, Destination destination, String routingKey,
                        Map<String, Object> arguments) {
        log.submitTransient(TransientOps.DELETE_BINDING, binding(vhost, source, destination, routingKey,
                arguments));
    }

    private static BindingRow binding(String vhost, ExchangeEntity source, Destination destination,
                                      String routingKey, Map<String, Object> arguments) {
        return StoreJournal.row(vhost, source, destination, routingKey, arguments);
    }

    private void delete(String op, String vhost, String name) {
        try {
            log.submitTransient(op, null, vhost, name);
        } catch (RuntimeException e) {
            LOG.warn("{} '{}' in vhost '{}' is deleted here; the other nodes are told once the cluster has a "
                    + "majority again ({})", op.equals(TransientOps.DELETE_QUEUE) ? "queue" : "exchange", name,
                    vhost, e.getMessage());
            pendingDeletes.add(new String[] {op, vhost, name});
        }
    }

    /** Sends the deletes the cluster did not take again; those it still does not take wait for the next try. */
    void retryPending() {
        for (int n = pendingDeletes.size(); n > 0; n--) {
            String[] d = pendingDeletes.poll();
            if (d == null) {
                return;
            }
            try {
                log.commitUnclaimed(d[0], null, d[1], d[2]);
            } catch (RuntimeException e) {
                pendingDeletes.add(d);
                return;
            }
        }
    }
}
