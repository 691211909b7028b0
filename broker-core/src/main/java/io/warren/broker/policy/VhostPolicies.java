package io.warren.broker.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One vhost's policies and the choice among them. At most one policy applies to a queue or exchange: of those
 * whose pattern matches its name and whose apply-to fits, the one with the highest priority. RabbitMQ leaves the
 * choice between equal priorities to its storage order; Warren takes the first by name, so it is stable.
 * (RabbitMQ's operator policies, which combine with these, are not supported.)
 *
 * <p>Readers never lock: they read an immutable list, already in the order of choice, that writers replace.
 */
public final class VhostPolicies {
    /** Highest priority first, then by name: the first that matches is the one that applies. */
    private static final Comparator<Policy> CHOICE = Comparator.comparingInt(Policy::priority).reversed()
            .thenComparing(Policy::name);

    private volatile List<Policy> policies = List.of();

    /** All of them, in the order of choice. */
    public List<Policy> list() {
        return policies;
    }

    public Policy get(String name) {
        for (Policy p : policies) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Adds the policy or replaces the one of that name; returns the one replaced, or null. */
    public synchronized Policy put(Policy policy) {
        List<Policy> next = new ArrayList<>(policies.size() + 1);
        Policy old = null;
        for (Policy p : policies) {
            if (p.name().equals(policy.name())) {
                old = p;
            } else {
                next.add(p);
            }
        }
        next.add(policy);
        next.sort(CHOICE);
        policies = List.copyOf(next);
        return old;
    }

    /** Removes the named policy; returns it, or null if there was none. */
    public synchronized Policy remove(String name) {
        Policy old = get(name);
        if (old != null) {
            List<Policy> next = new ArrayList<>(policies);
            next.remove(old);
            policies = List.copyOf(next);
        }
        return old;
    }

    /** The policy that applies to the queue of this name, or null. */
    public Policy forQueue(String queue) {
        for (Policy p : policies) {
            if (p.matchesQueue(queue)) {
                return p;
            }
        }
        return null;
    }

    /** The policy that applies to the quorum queue of this name, or null. */
    public Policy forQuorumQueue(String queue) {
        for (Policy p : policies) {
            if (p.matchesQuorumQueue(queue)) {
                return p;
            }
        }
        return null;
    }

    /** The policy that applies to the stream of this name, or null. */
    public Policy forStream(String stream) {
        for (Policy p : policies) {
            if (p.matchesStream(stream)) {
                return p;
            }
        }
        return null;
    }

    /** The policy that applies to the exchange of this name, or null. */
    public Policy forExchange(String exchange) {
        for (Policy p : policies) {
            if (p.matchesExchange(exchange)) {
                return p;
            }
        }
        return null;
    }
}
