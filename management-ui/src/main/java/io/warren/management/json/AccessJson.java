package io.warren.management.json;

import io.warren.broker.admin.PermissionView;
import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.admin.PolicyView;
import io.warren.broker.admin.TopicPermissionView;
import io.warren.broker.admin.UserView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Users, permissions and policies in the shape of RabbitMQ's API and definitions. */
public final class AccessJson {
    private AccessJson() {
    }

    /** A user with its limits ({} for none), as /api/users and definitions show one. */
    public static Map<String, Object> user(UserView u, JsonNode limits) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", u.name());
        out.put("password_hash", u.passwordHash());
        out.put("hashing_algorithm", u.hashingAlgorithm());
        out.put("tags", List.copyOf(new java.util.TreeSet<>(u.tags())));
        out.put("limits", limits);
        return out;
    }

    public static Map<String, Object> permission(PermissionView p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", p.user());
        out.put("vhost", p.vhost());
        out.put("configure", p.configure());
        out.put("write", p.write());
        out.put("read", p.read());
        return out;
    }

    public static Map<String, Object> topicPermission(TopicPermissionView p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", p.user());
        out.put("vhost", p.vhost());
        out.put("exchange", p.exchange());
        out.put("write", p.write());
        out.put("read", p.read());
        return out;
    }

    public static Map<String, Object> policy(PolicyView p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vhost", p.vhost());
        out.put("name", p.name());
        out.put("pattern", p.pattern());
        out.put("apply-to", p.applyTo());
        out.put("definition", p.definition());
        out.put("priority", p.priority());
        return out;
    }
}
