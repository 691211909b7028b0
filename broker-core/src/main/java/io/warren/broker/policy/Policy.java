package io.warren.broker.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A policy as RabbitMQ defines one: a name in a vhost, a regular expression over queue or exchange names, what
 * kind of entity it applies to, a priority, and a definition of settings (JSON values: strings, numbers, booleans).
 * Immutable; made only through {@link #of}, which validates like RabbitMQ does.
 */
public final class Policy {
    private final String vhost;
    private final String name;
    private final String pattern;
    private final Pattern regex;
    private final ApplyTo applyTo;
    private final int priority;
    private final Map<String, Object> definition;

    private Policy(String vhost, String name, String pattern, Pattern regex, ApplyTo applyTo, int priority,
                   Map<String, Object> definition) {
        this.vhost = vhost;
        this.name = name;
        this.pattern = pattern;
        this.regex = regex;
        this.applyTo = applyTo;
        this.priority = priority;
        this.definition = definition;
    }

    /**
     * A validated policy; applyTo is RabbitMQ's label (null means all). Throws {@link PolicyException} with the
     * reason when RabbitMQ would refuse it.
     */
    public static Policy of(String vhost, String name, String pattern, String applyTo, Map<String, Object> definition,
                            int priority) {
        if (name == null || name.isEmpty()) {
            throw new PolicyException("a policy needs a name");
        }
        if (pattern == null) {
            throw new PolicyException("Validation failed\n\npattern not found\n");
        }
        Pattern regex;
        try {
            regex = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new PolicyException("Validation failed\n\n\"" + pattern + "\" is not a valid regular expression: "
                    + e.getDescription() + "\n");
        }
        ApplyTo kind = ApplyTo.parse(applyTo);
        PolicyDefinition.validate(definition);
        return new Policy(vhost, name, pattern, regex, kind, priority,
                Collections.unmodifiableMap(new LinkedHashMap<>(definition)));
    }

    public String vhost() {
        return vhost;
    }

    public String name() {
        return name;
    }

    public String pattern() {
        return pattern;
    }

    public ApplyTo applyTo() {
        return applyTo;
    }

    public int priority() {
        return priority;
    }

    /** The settings, as given (JSON values), in their order. */
    public Map<String, Object> definition() {
        return definition;
    }

    /**
     * Whether the pattern matches the name anywhere, like Erlang's re:run that RabbitMQ uses: unanchored, so a
     * policy for names starting with "orders" is written "^orders".
     */
    public boolean matchesName(String entityName) {
        return regex.matcher(entityName).find();
    }

    public boolean matchesQueue(String queue) {
        return applyTo.fitsQueues() && matchesName(queue);
    }

    public boolean matchesQuorumQueue(String queue) {
        return applyTo.fitsQuorumQueues() && matchesName(queue);
    }

    public boolean matchesStream(String stream) {
        return applyTo.fitsStreams() && matchesName(stream);
    }

    public boolean matchesExchange(String exchange) {
        return applyTo.fitsExchanges() && matchesName(exchange);
    }

    /** The value of a definition key as a string, or null when it is absent or not a string. */
    public String string(String key) {
        Object v = definition.get(key);
        return v instanceof CharSequence s ? s.toString() : null;
    }

    @Override
    public String toString() {
        return "policy '" + name + "' in vhost '" + vhost + "'";
    }
}
