package io.warren.cluster.remote;

import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueFactory;
import io.warren.cluster.link.ClusterLink;
import java.util.function.Consumer;

/** Makes the proxy of a queue whose home is another node; the queue's type was checked as for a local one. */
public record RemoteQueueFactory(String home, ClusterLink link) implements QueueFactory {
    @Override
    public AmqpQueue create(QueueDeclaration declaration, Consumer<AmqpQueue> record) {
        RemoteQueue q = new RemoteQueue(declaration, home, link);
        record.accept(q);
        return q;
    }
}
