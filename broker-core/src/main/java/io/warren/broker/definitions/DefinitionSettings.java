package io.warren.broker.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.Broker;
import io.warren.broker.auth.TopicPermission;
import io.warren.broker.definitions.DefinitionsLoader.DefinitionsException;
import io.warren.broker.error.AmqpException;
import io.warren.broker.limits.Limits;
import io.warren.broker.params.Parameter;
import io.warren.broker.params.RuntimeParameters;
import io.warren.broker.params.VhostMetadata;
import io.warren.broker.queue.InvalidQueueArgument;
import io.warren.broker.queue.QueueDeclaration;
import io.warren.broker.queue.QueuePlacement;
import io.warren.broker.queue.quorum.QuorumDeclareRules;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a RabbitMQ 3.12 export beside the topology: vhost metadata, user limits, topic permissions, runtime
 * and global parameters, and queue types. What Warren can honour it applies (vhost and user limits, topic
 * permissions); the rest it keeps, stores and exports again, and says so in one warning, so nothing is dropped
 * silently. A quorum queue the node would refuse is refused before anything is applied: making it classic would
 * quietly change what the file asked for.
 */
final class DefinitionSettings {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionsLoader.class);
    /** The top-level keys of RabbitMQ's exports (3.8 to 3.13); anything else is reported as ignored. */
    private static final Set<String> KNOWN_SECTIONS = Set.of("rabbit_version", "rabbitmq_version", "product_name",
            "product_version", "rabbitmq_definition_format", "original_cluster_name", "explanation", "users",
            "vhosts", "permissions", "topic_permissions", "parameters", "global_parameters", "policies", "queues",
            "exchanges", "bindings", "super_streams");

    private final Broker broker;
    private final Set<String> keptOnly = new TreeSet<>();

    DefinitionSettings(Broker broker) {
        this.broker = broker;
    }

    /**
     * Refuses, before anything is applied, a quorum queue the node would refuse: one RabbitMQ 4 refuses (its texts,
     * from the same rules a queue.declare goes through), or any while the node has nothing that makes them.
     */
    static void checkQueueTypes(List<JsonNode> queues, QueuePlacement placement) {
        for (JsonNode q : queues) {
            Map<String, Object> arguments = DefinitionsLoader.table(q.path("arguments"));
            if (!QuorumDeclareRules.isQuorum(arguments)) {
                continue;
            }
            String name = q.path("name").asText();
            String vhost = q.path("vhost").asText("/");
            boolean durable = q.path("durable").asBoolean(true);
            boolean autoDelete = q.path("auto_delete").asBoolean(false);
            try {
                QuorumDeclareRules.check(name, vhost, durable, false, autoDelete, arguments);
                placement.quorumQueues().check(new QueueDeclaration(name, vhost, durable, false, autoDelete,
                        arguments, null, null, null, null, null));
            } catch (InvalidQueueArgument e) {
                throw refused(name, e.toReply(name, vhost));
            } catch (AmqpException e) {
                throw refused(name, e);
            }
        }
    }

    private static DefinitionsException refused(String queue, AmqpException e) {
        return new DefinitionsException("queue '" + queue + "': " + e.replyText() + "; the definitions were not "
                + "imported");
    }

    /** The description, tags and default queue type of a vhost entry (3.11+ puts them under "metadata" too). */
    void vhostMetadata(JsonNode v, String name) {
        JsonNode meta = v.path("metadata");
        JsonNode description = first(v.path("description"), meta.path("description"));
        JsonNode tags = first(v.path("tags"), meta.path("tags"));
        JsonNode type = first(v.path("default_queue_type"), meta.path("default_queue_type"));
        if (description.isMissingNode() && tags.isMissingNode() && type.isMissingNode()) {
            return;
        }
        String queueType = type.isTextual() && !type.asText().equals("undefined") ? type.asText() : null;
        if (queueType != null && !queueType.equals("classic")) {
            keptOnly.add("default_queue_type '" + queueType + "' of vhost '" + name + "' (its queues are classic)");
        }
        broker.parameters().setMetadata(name, new VhostMetadata(description.asText(""), List.copyOf(DefinitionsLoader.tags(tags)), queueType));
    }

    void userLimits(JsonNode u, String name) {
        JsonNode limits = u.path("limits");
        if (limits.isMissingNode() || limits.isNull() || limits.isEmpty()) {
            return;
        }
        try {
            broker.users().setLimits(name, Limits.fromJson(limits, Limits.USER, "user '" + name + "'"));
        } catch (IllegalArgumentException e) {
            throw new DefinitionsException(e.getMessage());
        }
    }

    void topicPermission(JsonNode p) {
        String user = text(p, "user", "topic permission");
        String vhost = text(p, "vhost", "topic permission");
        String exchange = text(p, "exchange", "topic permission");
        if (broker.users().user(user) == null) {
            throw new DefinitionsException("topic permission refers to unknown user '" + user + "'");
        }
        if (broker.vhost(vhost) == null) {
            throw new DefinitionsException("topic permission refers to unknown vhost '" + vhost + "'");
        }
        try {
            broker.users().setTopicPermission(user, vhost, new TopicPermission(user, vhost, exchange,
                    p.path("write").asText(""), p.path("read").asText("")));
        } catch (PatternSyntaxException e) {
            throw new DefinitionsException("topic permission of user '" + user + "' in vhost '" + vhost
                    + "': invalid pattern: " + e.getDescription());
        }
    }

    void parameter(JsonNode p) {
        String vhost = p.path("vhost").asText("/");
        String component = text(p, "component", "parameter");
        String name = text(p, "name", "parameter");
        if (broker.vhost(vhost) == null) {
            throw new DefinitionsException("parameter '" + name + "' refers to unknown vhost '" + vhost + "'");
        }
        if (!RuntimeParameters.VHOST_LIMITS.equals(component)) {
            keptOnly.add("parameters of component '" + component + "'");
        }
        try {
            broker.parameters().setParameter(new Parameter(vhost, component, name,
                    DefinitionRules.parameterValue(p.path("value"))));
        } catch (IllegalArgumentException e) {
            throw new DefinitionsException("parameter '" + component + "/" + name + "' in vhost '" + vhost + "': "
                    + e.getMessage());
        }
    }

    void globalParameter(JsonNode p) {
        String name = text(p, "name", "global parameter");
        JsonNode value;
        try {
            value = DefinitionRules.parameterValue(p.path("value"));
        } catch (IllegalArgumentException e) {
            throw new DefinitionsException("global parameter '" + name + "': " + e.getMessage());
        }
        keptOnly.add("global parameter '" + name + "'");
        broker.parameters().setGlobalParameter(name, value);
    }

    /** One warning for everything kept but not acted on, and every section not read at all. */
    void warnAboutIgnored(JsonNode root) {
        List<String> unread = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN_SECTIONS.contains(f)) {
                unread.add(f);
            }
        }
        if (keptOnly.isEmpty() && unread.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder("definitions: ");
        if (!keptOnly.isEmpty()) {
            b.append("kept and exported again, but not acted on (Warren has no plugin that reads them): ")
                    .append(String.join(", ", keptOnly));
        }
        if (!unread.isEmpty()) {
            b.append(keptOnly.isEmpty() ? "" : "; ").append("ignored unknown sections: ")
                    .append(String.join(", ", unread));
        }
        LOG.warn("{}", b);
    }

    private static JsonNode first(JsonNode a, JsonNode b) {
        return a.isMissingNode() || a.isNull() ? b : a;
    }

    private static String text(JsonNode n, String field, String what) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            throw new DefinitionsException(what + " without a '" + field + "': " + n);
        }
        return v.asText();
    }
}
