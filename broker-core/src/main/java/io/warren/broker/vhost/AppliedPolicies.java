package io.warren.broker.vhost;

import io.warren.broker.policy.EffectiveArguments;
import io.warren.broker.policy.Policy;
import io.warren.broker.policy.VhostPolicies;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueType;
import io.warren.broker.queue.quorum.QuorumDeclareRules;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Keeps a vhost's queues and exchanges under the policies that match them: a new one gets its policy when it is
 * declared, and a policy set, changed or cleared is re-applied to every entity whose policy that changes. A queue
 * takes its policy on its own loop ({@link AmqpQueue#applyPolicy}); the policy each queue was last given is
 * remembered here, so only queues whose policy changed are told. Called only under the vhost's lock.
 */
final class AppliedPolicies {
    private final VhostPolicies policies;
    private final Map<AmqpQueue, Policy> queuePolicies = new IdentityHashMap<>();

    AppliedPolicies(VhostPolicies policies) {
        this.policies = policies;
    }

    void queueDeclared(AmqpQueue q) {
        Policy p = policyFor(q);
        if (p != null) {
            give(q, p);
        }
    }

    void queueRemoved(AmqpQueue q) {
        queuePolicies.remove(q);
    }

    void exchangeDeclared(ExchangeEntity x) {
        Policy p = policies.forExchange(x.name());
        if (p != null) {
            x.applyPolicy(p);
        }
    }

    /** After a policy change: every queue and exchange whose policy is now another (or changed) gets it. */
    void reapply(Collection<AmqpQueue> queues, Collection<ExchangeEntity> exchanges) {
        for (AmqpQueue q : queues) {
            Policy p = policyFor(q);
            if (p != queuePolicies.get(q)) {
                give(q, p);
            }
        }
        for (ExchangeEntity x : exchanges) {
            Policy p = policies.forExchange(x.name());
            if (p != x.policy()) {
                x.applyPolicy(p);
            }
        }
    }

    // apply-to "streams" fits streams only, "quorum_queues" quorum queues only, "classic_queues" classic queues only
    private Policy policyFor(AmqpQueue q) {
        if (q.type() == QueueType.STREAM) {
            return policies.forStream(q.name());
        }
        return isQuorum(q) ? policies.forQuorumQueue(q.name()) : policies.forQueue(q.name());
    }

    // by its declared x-queue-type: whatever object the quorum factory made, it was declared a quorum queue
    private static boolean isQuorum(AmqpQueue q) {
        return q.type() == QueueType.QUORUM || QuorumDeclareRules.isQuorum(q.arguments());
    }

    private void give(AmqpQueue q, Policy p) {
        if (p == null) {
            queuePolicies.remove(q);
        } else {
            queuePolicies.put(q, p);
        }
        String name = p == null ? null : p.name();
        Map<String, Object> effective = isQuorum(q) ? EffectiveArguments.forQuorumQueue(q.arguments(), p)
                : EffectiveArguments.forQueue(q.arguments(), p);
        q.policyDefinition(p == null ? null : p.definition());
        q.applyPolicy(name, effective);
    }
}
