package io.warren.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.Broker;
import io.warren.broker.auth.TopicPermission;
import io.warren.broker.definitions.DefinitionRules;
import io.warren.broker.limits.Limits;
import io.warren.broker.params.Parameter;
import io.warren.broker.params.RuntimeParameters;
import io.warren.broker.params.VhostMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Vhost and user limits, topic permissions, runtime and global parameters, and vhost metadata: reading and changing
 * them, with RabbitMQ's rules on what a limit may be.
 */
public final class SettingsAdmin {
    private final Broker broker;

    SettingsAdmin(Broker broker) {
        this.broker = broker;
    }

    // ---- vhost limits ----

    /** Every vhost with limits, by name, its limits as a JSON object. */
    public Map<String, JsonNode> vhostLimits() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        broker.parameters().allVhostLimits().forEach((v, l) -> out.put(v, l.toJson()));
        return out;
    }

    /** Sets one limit of a vhost (a negative value: no limit, as RabbitMQ keeps it). */
    public void setVhostLimit(String vhost, String name, JsonNode value) {
        requireVhost(vhost);
        RuntimeParameters p = broker.parameters();
        synchronized (p) {
            long v = limit(name, value, Limits.VHOST, "vhost '" + vhost + "'");
            p.setVhostLimits(vhost, p.vhostLimits(vhost).with(name, v));
        }
    }

    public void clearVhostLimit(String vhost, String name) {
        requireVhost(vhost);
        RuntimeParameters p = broker.parameters();
        synchronized (p) {
            if (!p.vhostLimits(vhost).has(name)) {
                throw AdminException.notFound("no limit '%s' in vhost '%s'", name, vhost);
            }
            p.setVhostLimits(vhost, p.vhostLimits(vhost).without(name));
        }
    }

    // ---- user limits ----

    /** Every user with limits, by name, its limits as a JSON object. */
    public Map<String, JsonNode> userLimits() {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        for (var u : broker.users().users()) {
            Limits l = broker.users().limits(u.name());
            if (!l.isEmpty()) {
                out.put(u.name(), l.toJson());
            }
        }
        return out;
    }

    /** The user's limits as a JSON object ({} for none). */
    public JsonNode userLimits(String user) {
        return broker.users().limits(user).toJson();
    }

    public void setUserLimit(String user, String name, JsonNode value) {
        requireUser(user);
        synchronized (broker.users()) {
            long v = limit(name, value, Limits.USER, "user '" + user + "'");
            broker.users().setLimits(user, broker.users().limits(user).with(name, v));
        }
    }

    public void clearUserLimit(String user, String name) {
        requireUser(user);
        synchronized (broker.users()) {
            Limits l = broker.users().limits(user);
            if (!l.has(name)) {
                throw AdminException.notFound("no limit '%s' for user '%s'", name, user);
            }
            broker.users().setLimits(user, l.without(name));
        }
    }

    /** Replaces all of a user's limits, as a definitions file or a user's "limits" field gives them. */
    public void setUserLimits(String user, JsonNode limits) {
        requireUser(user);
        try {
            broker.users().setLimits(user, Limits.fromJson(limits, Limits.USER, "user '" + user + "'"));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
    }

    private static long limit(String name, JsonNode value, java.util.Set<String> allowed, String owner) {
        try {
            return Limits.value(name, value, allowed, owner);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
    }

    // ---- topic permissions ----

    public List<TopicPermissionView> topicPermissions() {
        return broker.users().topicPermissions().stream().map(g -> new TopicPermissionView(g.user(), g.vhost(),
                g.permission().exchange(), g.permission().write(), g.permission().read())).toList();
    }

    public void setTopicPermission(String user, String vhost, String exchange, String write, String read) {
        requireUser(user);
        requireVhost(vhost);
        try {
            broker.users().setTopicPermission(user, vhost, new TopicPermission(user, vhost, exchange, write, read));
        } catch (PatternSyntaxException e) {
            throw AdminException.badRequest("invalid topic permission pattern: %s", e.getDescription());
        }
    }

    /** Clears the user's topic permission on one exchange, or on all of them in the vhost when exchange is null. */
    public void clearTopicPermission(String user, String vhost, String exchange) {
        if (!broker.users().clearTopicPermission(user, vhost, exchange)) {
            throw AdminException.notFound("no topic permission for user '%s' in vhost '%s'", user, vhost);
        }
    }

    // ---- runtime parameters ----

    /** Every vhost parameter, vhost limits included. */
    public List<ParameterView> parameters() {
        return broker.parameters().parameters().stream().map(SettingsAdmin::view).toList();
    }

    public ParameterView parameter(String vhost, String component, String name) {
        Parameter p = broker.parameters().parameter(vhost, component, name);
        return p == null ? null : view(p);
    }

    public void setParameter(String vhost, String component, String name, JsonNode value) {
        requireVhost(vhost);
        try {
            broker.parameters().setParameter(new Parameter(vhost, component, name,
                    DefinitionRules.parameterValue(value)));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("%s", e.getMessage());
        }
    }

    public void clearParameter(String vhost, String component, String name) {
        if (!broker.parameters().clearParameter(vhost, component, name)) {
            throw AdminException.notFound("no parameter '%s' of component '%s' in vhost '%s'", name, component,
                    vhost);
        }
    }

    private static ParameterView view(Parameter p) {
        return new ParameterView(p.vhost(), p.component(), p.name(), p.value());
    }

    // ---- global parameters ----

    public Map<String, JsonNode> globalParameters() {
        return broker.parameters().globalParameters();
    }

    public void setGlobalParameter(String name, JsonNode value) {
        broker.parameters().setGlobalParameter(name, AccessAdmin.rule(() -> DefinitionRules.parameterValue(value)));
    }

    public void clearGlobalParameter(String name) {
        if (!broker.parameters().clearGlobalParameter(name)) {
            throw AdminException.notFound("no global parameter '%s'", name);
        }
    }

    // ---- vhost metadata ----

    public VhostMetadataView vhostMetadata(String vhost) {
        VhostMetadata m = broker.parameters().metadata(vhost);
        return new VhostMetadataView(m.description(), m.tags(), m.defaultQueueType());
    }

    public void setVhostMetadata(String vhost, String description, List<String> tags, String defaultQueueType) {
        requireVhost(vhost);
        broker.parameters().setMetadata(vhost, new VhostMetadata(description, tags, defaultQueueType));
    }

    private void requireVhost(String vhost) {
        if (broker.vhost(vhost) == null) {
            throw AdminException.notFound("no vhost '%s'", vhost);
        }
    }

    private void requireUser(String user) {
        if (broker.users().user(user) == null) {
            throw AdminException.notFound("no user '%s'", user);
        }
    }
}
