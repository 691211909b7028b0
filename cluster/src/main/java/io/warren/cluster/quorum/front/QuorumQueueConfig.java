package io.warren.cluster.quorum.front;

import io.warren.broker.policy.EffectiveArguments;
import io.warren.broker.queue.QueueSettings;
import io.warren.broker.queue.quorum.QuorumDeclareRules;
import io.warren.broker.queue.quorum.QuorumSettings;
import io.warren.cluster.quorum.state.QueueConfig;
import io.warren.cluster.state.LoggedPolicies;
import java.util.Map;

/** What a quorum queue's shard is told of it: its own arguments completed by the policy in force (RabbitMQ's rules). */
final class QuorumQueueConfig {
    private QuorumQueueConfig() {
    }

    /** The config of the queue under the vhost's policies as the definitions log has made them. */
    static QueueConfig of(QuorumQueue queue, LoggedPolicies.Current policies) {
        return of(queue.name(), queue.vhost(), EffectiveArguments.forQuorumQueue(queue.arguments(),
                policies.forQuorumQueue(queue.name())));
    }

    /** The config of these effective arguments (already checked: a declaration's, or completed by a valid policy). */
    static QueueConfig of(String queue, String vhost, Map<String, Object> effective) {
        QuorumSettings s = QuorumDeclareRules.checkArguments(queue, vhost, effective);
        QueueSettings l = s.lifecycle();
        Object sac = effective.get("x-single-active-consumer");
        return new QueueConfig(l.maxLength(), l.maxLengthBytes(),
                l.overflow() == QueueSettings.Overflow.REJECT_PUBLISH ? QueueConfig.Overflow.REJECT_PUBLISH
                        : QueueConfig.Overflow.DROP_HEAD,
                l.deliveryLimit() < 0 ? -1 : l.deliveryLimit(), l.deadLetterExchange() != null,
                s.deadLetterStrategy() == QuorumSettings.DeadLetterStrategy.AT_LEAST_ONCE
                        ? QueueConfig.DeadLetterStrategy.AT_LEAST_ONCE : QueueConfig.DeadLetterStrategy.AT_MOST_ONCE,
                l.messageTtl(), Boolean.TRUE.equals(sac));
    }
}
