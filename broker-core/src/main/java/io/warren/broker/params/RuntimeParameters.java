package io.warren.broker.params;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.broker.durable.DefinitionJournal;
import io.warren.broker.limits.Limits;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Runtime parameters as RabbitMQ has them: per vhost (component, name, value), of which vhost limits are the
 * component "vhost-limits", name "limits"; broker-wide global parameters; and vhosts' metadata. Vhost limits are
 * enforced; every other parameter is kept, stored and exported, but Warren has no plugin that reads it. Each
 * change is told to the journal before it is made.
 */
public final class RuntimeParameters {
    /** The component of vhost limits, as RabbitMQ names it. */
    public static final String VHOST_LIMITS = "vhost-limits";
    /** The one name vhost limits are stored under. */
    public static final String LIMITS = "limits";

    private final DefinitionJournal journal;
    private final Function<String, VirtualHost> vhosts;
    private final ConcurrentHashMap<String, Limits> vhostLimits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, VhostMetadata> metadata = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, Parameter> parameters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, JsonNode> globals = new ConcurrentHashMap<>();

    /** vhosts finds a vhost by name (null when there is none), so limits reach its queue count check. */
    public RuntimeParameters(DefinitionJournal journal, Function<String, VirtualHost> vhosts) {
        this.journal = journal;
        this.vhosts = vhosts;
    }

    // ---- vhost limits ----

    /** The vhost's limits; none when it has none. */
    public Limits vhostLimits(String vhost) {
        return vhostLimits.getOrDefault(vhost, Limits.NONE);
    }

    /** Every vhost that has limits, with them, by vhost name. */
    public Map<String, Limits> allVhostLimits() {
        return new java.util.TreeMap<>(vhostLimits);
    }

    /** Replaces the vhost's limits (empty clears them); refuses unknown names or non-integers. */
    public synchronized void setVhostLimits(String vhost, Limits limits) {
        if (limits.isEmpty()) {
            journal.parameterCleared(vhost, VHOST_LIMITS, LIMITS);
            vhostLimits.remove(vhost);
        } else {
            journal.parameterSet(vhost, VHOST_LIMITS, LIMITS, limits.toJson().toString());
            vhostLimits.put(vhost, limits);
        }
        applyQueueLimit(vhost);
    }

    /** Makes a vhost that was (re)created follow its stored queue limit. */
    public void applyQueueLimit(String vhost) {
        VirtualHost v = vhosts.apply(vhost);
        if (v != null) {
            v.queueLimit().set((int) Math.min(Integer.MAX_VALUE, vhostLimits(vhost).get(Limits.MAX_QUEUES)));
        }
    }

    // ---- other vhost parameters ----

    /** Every vhost parameter, vhost limits included (as RabbitMQ lists them), sorted by vhost, component, name. */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>(parameters.values());
        vhostLimits.forEach((v, l) -> out.add(new Parameter(v, VHOST_LIMITS, LIMITS, l.toJson())));
        out.sort(Comparator.comparing(Parameter::vhost).thenComparing(Parameter::component)
                .thenComparing(Parameter::name));
        return out;
    }

    public Parameter parameter(String vhost, String component, String name) {
        if (VHOST_LIMITS.equals(component)) {
            Limits l = vhostLimits.get(vhost);
            return l == null || !LIMITS.equals(name) ? null : new Parameter(vhost, component, name, l.toJson());
        }
        return parameters.get(List.of(vhost, component, name));
    }

    /** Sets a parameter; vhost limits are checked and applied, anything else is kept as it is. */
    public synchronized void setParameter(Parameter p) {
        if (VHOST_LIMITS.equals(p.component())) {
            if (!LIMITS.equals(p.name())) {
                throw new IllegalArgumentException("vhost limits are named 'limits', not '" + p.name() + "'");
            }
            setVhostLimits(p.vhost(), Limits.fromJson(p.value(), Limits.VHOST, "vhost '" + p.vhost() + "'"));
            return;
        }
        journal.parameterSet(p.vhost(), p.component(), p.name(), p.value().toString());
        parameters.put(List.of(p.vhost(), p.component(), p.name()), p);
    }

    /** Clears a parameter; returns false when there was none. */
    public synchronized boolean clearParameter(String vhost, String component, String name) {
        if (parameter(vhost, component, name) == null) {
            return false;
        }
        if (VHOST_LIMITS.equals(component)) {
            setVhostLimits(vhost, Limits.NONE);
            return true;
        }
        journal.parameterCleared(vhost, component, name);
        parameters.remove(List.of(vhost, component, name));
        return true;
    }

    // ---- global parameters ----

    /** Every global parameter, by name. */
    public Map<String, JsonNode> globalParameters() {
        return new java.util.TreeMap<>(globals);
    }

    public JsonNode globalParameter(String name) {
        return globals.get(name);
    }

    /** The global parameter, set to the supplied value first (and recorded) when there is none. */
    public synchronized JsonNode globalParameterIfAbsent(String name, java.util.function.Supplier<JsonNode> value) {
        JsonNode current = globals.get(name);
        if (current == null) {
            current = value.get();
            setGlobalParameter(name, current);
        }
        return current;
    }

    public synchronized void setGlobalParameter(String name, JsonNode value) {
        journal.globalParameterSet(name, value.toString());
        globals.put(name, value);
    }

    /** Clears a global parameter; returns false when there was none. */
    public synchronized boolean clearGlobalParameter(String name) {
        if (!globals.containsKey(name)) {
            return false;
        }
        journal.globalParameterCleared(name);
        globals.remove(name);
        return true;
    }

    // ---- vhost metadata ----

    public VhostMetadata metadata(String vhost) {
        return metadata.getOrDefault(vhost, VhostMetadata.NONE);
    }

    public synchronized void setMetadata(String vhost, VhostMetadata m) {
        journal.vhostMetadataSet(vhost, m.description(), m.tags(), m.defaultQueueType());
        metadata.put(vhost, m);
    }

    /** Forgets what belonged to a deleted vhost (the journal deletes it with the vhost). */
    public synchronized void vhostRemoved(String vhost) {
        vhostLimits.remove(vhost);
        metadata.remove(vhost);
        parameters.keySet().removeIf(k -> k.get(0).equals(vhost));
    }
}
