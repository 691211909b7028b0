package io.warren.cluster.quorum.front;

import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.InvalidQueueArgument;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueueFactory;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.quorum.QuorumDeclareRules;
import java.util.function.Consumer;

/**
 * Makes a node's {@link QuorumQueue}s: for a queue the definitions log already has (another node declared it, or
 * the store restores it), in the shard its row names; for a new one declared here, in the shard
 * {@link ShardPlacement} chooses, which the definitions writer then puts in its row.
 */
final class QuorumQueueFactory implements QueueFactory {
    /** Why a new quorum queue is refused before the cluster's shards exist (kept short: the reply is cut at 255). */
    static final String NO_SHARDS = "this cluster has no quorum shards yet (formed by 2 or more initial members; "
            + "see docs/quorum.md)";
    private final QuorumFront front;

    QuorumQueueFactory(QuorumFront front) {
        this.front = front;
    }

    @Override
    public void check(QueueDeclaration d) {
        if (front.recordedShard(d.vhost(), d.name()) == null && front.catalog() == null) {
            throw new InvalidQueueArgument(QueueType.ARGUMENT, "\"" + NO_SHARDS + "\"");
        }
    }

    @Override
    public AmqpQueue create(QueueDeclaration d, Consumer<AmqpQueue> record) {
        check(d);
        Integer shard = front.recordedShard(d.vhost(), d.name());
        boolean chosenHere = shard == null;
        if (chosenHere) {
            shard = front.choose(d.vhost(), d.name(), d.arguments().get(QuorumDeclareRules.LEADER_LOCATOR));
        }
        QuorumQueue q = new QuorumQueue(d, front, shard);
        try {
            record.accept(q);
        } finally {
            if (chosenHere) {
                front.forget(d.vhost(), d.name()); // written with the row, or not written at all
            }
        }
        q.start();
        return q;
    }
}
