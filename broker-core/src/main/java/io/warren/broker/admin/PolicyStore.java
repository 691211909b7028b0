package io.warren.broker.admin;

import io.warren.broker.Broker;
import io.warren.broker.policy.Policy;
import io.warren.broker.policy.PolicyException;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Policies as operators' tools see them: listed, set and cleared. They live in their vhosts, which apply them to
 * matching queues and exchanges and keep them across restarts.
 */
public final class PolicyStore {
    private final Broker broker;

    PolicyStore(Broker broker) {
        this.broker = broker;
    }

    public List<PolicyView> policies() {
        List<PolicyView> out = new ArrayList<>();
        for (VirtualHost v : broker.vhosts()) {
            v.policies().list().forEach(p -> out.add(view(p)));
        }
        out.sort(Comparator.comparing(PolicyView::vhost).thenComparing(PolicyView::name));
        return out;
    }

    public PolicyView policy(String vhost, String name) {
        VirtualHost v = broker.vhost(vhost);
        Policy p = v == null ? null : v.policies().get(name);
        return p == null ? null : view(p);
    }

    /** Sets a policy; a bad one (as RabbitMQ judges it) is a bad request with RabbitMQ's reason. */
    public void put(PolicyView p) {
        VirtualHost v = vhost(p.vhost());
        Policy policy;
        try {
            policy = Policy.of(p.vhost(), p.name(), p.pattern(), p.applyTo(), p.definition(), p.priority());
        } catch (PolicyException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
        v.setPolicy(policy);
    }

    public void delete(String vhost, String name) {
        if (!vhost(vhost).clearPolicy(name)) {
            throw AdminException.notFound("no policy '%s' in vhost '%s'", name, vhost);
        }
    }

    private VirtualHost vhost(String name) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw AdminException.notFound("no vhost '%s'", name);
        }
        return v;
    }

    static PolicyView view(Policy p) {
        return new PolicyView(p.vhost(), p.name(), p.pattern(), p.applyTo().label(), p.definition(), p.priority());
    }
}
