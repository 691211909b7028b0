package io.warren.broker.definitions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.broker.Broker;
import io.warren.broker.FailureReason;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.User;
import io.warren.broker.error.AmqpException;
import io.warren.broker.policy.Policy;
import io.warren.broker.policy.PolicyException;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.superstream.InvalidSuperStream;
import io.warren.broker.superstream.SuperStreams;
import io.warren.broker.vhost.Destination;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.LongString;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a definitions file in RabbitMQ's export format (vhosts, users, permissions, topic permissions, parameters,
 * policies, exchanges, queues, bindings, and Warren's super streams), so a topology can be declared in a file or
 * moved over from RabbitMQ unchanged.
 */
public final class DefinitionsLoader {
    private final Broker broker;
    private final ObjectMapper json = new ObjectMapper();

    public DefinitionsLoader(Broker broker) {
        this.broker = broker;
    }

    /** What a load created, for the log line. */
    public record Summary(int vhosts, int users, int permissions, int exchanges, int queues, int bindings,
                          int policies, int superStreams) {
    }

    public Summary load(Path file) throws IOException {
        JsonNode root;
        try {
            root = json.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new DefinitionsException("cannot read definitions file " + file + ": not valid JSON: "
                    + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new DefinitionsException("cannot read definitions file " + file + ": " + FailureReason.withoutFile(e));
        }
        return load(root);
    }

    public Summary load(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new DefinitionsException("definitions must be a JSON object");
        }
        DefinitionSettings settings = new DefinitionSettings(broker);
        DefinitionSettings.checkQueueTypes(array(root, "queues"), broker.placement());
        int vhosts = 0;
        for (JsonNode v : array(root, "vhosts")) {
            String name = rule(() -> DefinitionRules.vhostName(text(v, "name", "vhost")), "vhost");
            broker.addVhost(name);
            settings.vhostMetadata(v, name);
            vhosts++;
        }
        int users = 0;
        for (JsonNode u : array(root, "users")) {
            User user = user(u);
            broker.users().put(user);
            settings.userLimits(u, user.name());
            users++;
        }
        int permissions = 0;
        for (JsonNode p : array(root, "permissions")) {
            String vhost = text(p, "vhost", "permission");
            requireVhost(vhost, "permission");
            String user = text(p, "user", "permission");
            if (broker.users().user(user) == null) {
                throw new DefinitionsException("permission refers to unknown user '" + user + "'");
            }
            broker.users().setPermission(user, vhost, rule(() -> DefinitionRules.permission(
                    p.path("configure").asText(""), p.path("write").asText(""), p.path("read").asText("")),
                    "permission of user '" + user + "' in vhost '" + vhost + "'"));
            permissions++;
        }
        array(root, "topic_permissions").forEach(settings::topicPermission);
        // before queues, as RabbitMQ imports them: a vhost's queue limit applies to the queues of the file
        array(root, "parameters").forEach(settings::parameter);
        array(root, "global_parameters").forEach(settings::globalParameter);
        // before exchanges and queues (as RabbitMQ imports them), so each is declared under its policy
        int policies = 0;
        for (JsonNode p : array(root, "policies")) {
            Policy policy = policy(p);
            requireVhost(policy.vhost(), "policy '" + policy.name() + "'").setPolicy(policy);
            policies++;
        }
        int exchanges = 0;
        for (JsonNode x : array(root, "exchanges")) {
            VirtualHost v = requireVhost(x.path("vhost").asText("/"), "exchange");
            try {
                v.declareExchange(text(x, "name", "exchange"), text(x, "type", "exchange"), false,
                        x.path("durable").asBoolean(true), x.path("auto_delete").asBoolean(false),
                        x.path("internal").asBoolean(false), table(x.path("arguments")));
            } catch (AmqpException e) {
                throw new DefinitionsException("exchange '" + x.path("name").asText() + "': " + e.replyText());
            }
            exchanges++;
        }
        int queues = 0;
        for (JsonNode q : array(root, "queues")) {
            VirtualHost v = requireVhost(q.path("vhost").asText("/"), "queue");
            try {
                v.declareQueue(rule(() -> DefinitionRules.queueName(text(q, "name", "queue")), "queue"),
                        q.path("durable").asBoolean(true), false,
                        q.path("auto_delete").asBoolean(false), table(q.path("arguments")), null);
            } catch (AmqpException e) {
                throw new DefinitionsException("queue '" + q.path("name").asText() + "': " + e.replyText());
            }
            queues++;
        }
        int bindings = 0;
        for (JsonNode b : array(root, "bindings")) {
            VirtualHost v = requireVhost(b.path("vhost").asText("/"), "binding");
            String destination = text(b, "destination", "binding");
            String type = b.path("destination_type").asText("queue");
            if (!type.equals("queue") && !type.equals("exchange")) {
                // the single call has no such form either: its path names 'q' or 'e'
                throw new DefinitionsException("binding to '" + destination + "': destination_type must be "
                        + "'queue' or 'exchange', not '" + type + "'");
            }
            Destination d = "exchange".equals(type) ? v.exchange(destination) : v.queue(destination);
            if (d == null) {
                throw new DefinitionsException("binding to unknown " + type + " '" + destination + "'");
            }
            try {
                v.bind(text(b, "source", "binding"), d, b.path("routing_key").asText(""), table(b.path("arguments")));
            } catch (AmqpException e) {
                throw new DefinitionsException("binding " + b + ": " + e.replyText());
            }
            bindings++;
        }
        // after the bindings: a super stream an export also lists as exchange, queues and bindings is found made
        int superStreams = 0;
        for (JsonNode s : array(root, "super_streams")) {
            superStream(s);
            superStreams++;
        }
        settings.warnAboutIgnored(root);
        return new Summary(vhosts, users, permissions, exchanges, queues, bindings, policies, superStreams);
    }

    /** A super stream entry: name, vhost (default "/"), partitions and the partitions' stream arguments. */
    private void superStream(JsonNode s) {
        String name = text(s, "name", "super stream");
        String vhost = s.path("vhost").asText("/");
        String what = "super stream '" + name + "' in vhost '" + vhost + "'";
        JsonNode partitions = s.path("partitions");
        if (!partitions.canConvertToInt() || !partitions.isIntegralNumber()) {
            throw new DefinitionsException(what + ": 'partitions' must be an integer, not " + partitions);
        }
        JsonNode arguments = s.path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isObject()) {
            throw new DefinitionsException(what + ": 'arguments' must be a JSON object, not " + arguments);
        }
        VirtualHost v = requireVhost(vhost, "super stream '" + name + "'");
        try {
            SuperStreams.declare(v, name, partitions.asInt(), table(arguments));
        } catch (InvalidSuperStream e) {
            throw new DefinitionsException(e.getMessage());
        } catch (AmqpException e) {
            throw new DefinitionsException(what + ": " + e.replyText());
        }
    }

    private Policy policy(JsonNode p) {
        String name = text(p, "name", "policy");
        String vhost = p.path("vhost").asText("/");
        JsonNode priority = p.path("priority");
        if (!priority.isMissingNode() && !priority.canConvertToInt()) {
            throw new DefinitionsException("policy '" + name + "' in vhost '" + vhost + "': priority must be an "
                    + "integer, not " + priority);
        }
        JsonNode definition = p.path("definition");
        if (!definition.isObject()) {
            throw new DefinitionsException("policy '" + name + "' in vhost '" + vhost + "': 'definition' must be a "
                    + "JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = json.convertValue(definition, LinkedHashMap.class);
        try {
            return Policy.of(vhost, name, text(p, "pattern", "policy"), p.path("apply-to").asText(null), settings,
                    priority.asInt(0));
        } catch (PolicyException e) {
            // RabbitMQ's reasons span lines; one line reads better in a start-up error
            throw new DefinitionsException("policy '" + name + "' in vhost '" + vhost + "': "
                    + e.getMessage().strip().replaceAll("\\s*\\n+\\s*", ": "));
        }
    }

    /** A shared rule's refusal as a definitions error that says which entry broke it. */
    private static <T> T rule(java.util.function.Supplier<T> check, String what) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new DefinitionsException(what + ": " + e.getMessage());
        }
    }

    private User user(JsonNode u) {
        String name = rule(() -> DefinitionRules.userName(text(u, "name", "user")), "user");
        PasswordHash hash;
        if (u.hasNonNull("password")) {
            hash = PasswordHash.of(u.get("password").asText());
        } else if (u.hasNonNull("password_hash")) {
            try {
                hash = PasswordHash.fromBase64(u.get("password_hash").asText(),
                        u.path("hashing_algorithm").asText(null));
            } catch (IllegalArgumentException e) {
                throw new DefinitionsException("user '" + name + "': " + e.getMessage());
            }
        } else {
            throw new DefinitionsException("user '" + name + "' has neither password nor password_hash");
        }
        return new User(name, hash, tags(u.path("tags")));
    }

    /** Tags as RabbitMQ exports write them: an array, or one comma-separated string. */
    static Set<String> tags(JsonNode tags) {
        Set<String> out = new LinkedHashSet<>();
        if (tags.isArray()) {
            tags.forEach(t -> out.add(t.asText()));
        } else if (tags.isTextual()) {
            for (String t : tags.asText().split(",")) {
                if (!t.isBlank()) {
                    out.add(t.trim());
                }
            }
        }
        return out;
    }

    private VirtualHost requireVhost(String name, String what) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw new DefinitionsException(what + " refers to unknown vhost '" + name + "'");
        }
        return v;
    }

    private static List<JsonNode> array(JsonNode root, String field) {
        JsonNode n = root.path(field);
        List<JsonNode> out = new ArrayList<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw new DefinitionsException("'" + field + "' must be an array");
        }
        n.forEach(out::add);
        return out;
    }

    private static String text(JsonNode n, String field, String what) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            throw new DefinitionsException(what + " without a '" + field + "': " + n);
        }
        return v.asText();
    }

    /** JSON arguments as AMQP field-table values: strings become long strings, as a client would send. */
    public static Map<String, Object> table(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null || !n.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), value(e.getValue()));
        }
        return out;
    }

    private static Object value(JsonNode v) {
        if (v.isTextual()) {
            return LongString.of(v.asText());
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToInt() ? (Object) v.asInt() : (Object) v.asLong();
        }
        if (v.isNumber()) {
            return v.isBigDecimal() ? (Object) new BigDecimal(v.asText()) : (Object) v.asDouble();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            v.forEach(e -> list.add(value(e)));
            return list;
        }
        if (v.isObject()) {
            return table(v);
        }
        return null;
    }

    /** A definitions file that cannot be applied; the message says what and where. */
    public static final class DefinitionsException extends RuntimeException {
        public DefinitionsException(String message) {
            super(message);
        }
    }

}
