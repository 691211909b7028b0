package io.warren.broker.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Policies, kept and listed so that definitions move between RabbitMQ and Warren unchanged. The broker does not
 * apply them to queues or exchanges yet.
 */
public final class PolicyStore {
    private final Map<String, Map<String, PolicyView>> byVhost = new ConcurrentHashMap<>();

    public List<PolicyView> policies() {
        List<PolicyView> out = new ArrayList<>();
        byVhost.values().forEach(m -> out.addAll(m.values()));
        out.sort(Comparator.comparing(PolicyView::vhost).thenComparing(PolicyView::name));
        return out;
    }

    public PolicyView policy(String vhost, String name) {
        Map<String, PolicyView> m = byVhost.get(vhost);
        return m == null ? null : m.get(name);
    }

    public void put(PolicyView p) {
        try {
            java.util.regex.Pattern.compile(p.pattern());
        } catch (java.util.regex.PatternSyntaxException e) {
            throw AdminException.badRequest("invalid policy pattern '%s': %s", p.pattern(), e.getDescription());
        }
        byVhost.computeIfAbsent(p.vhost(), v -> new ConcurrentHashMap<>()).put(p.name(), p);
    }

    public void delete(String vhost, String name) {
        Map<String, PolicyView> m = byVhost.get(vhost);
        if (m == null || m.remove(name) == null) {
            throw AdminException.notFound("no policy '%s' in vhost '%s'", name, vhost);
        }
    }

    /** Forgets a deleted vhost's policies. */
    void dropVhost(String vhost) {
        byVhost.remove(vhost);
    }
}
