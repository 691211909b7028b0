package io.warren.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consistent-hash exchange (RabbitMQ's rabbitmq_consistent_hash_exchange, type {@code x-consistent-hash}): each
 * message goes to exactly one bound destination, picked by hashing its routing key (or the header named by the
 * exchange argument {@code hash-header}, or the property named by {@code hash-property}). All messages with one
 * value go to one destination, in order, like a Kafka partition.
 *
 * <p>A binding's key is its weight: a destination's share of the values is its weight over the total. Only the
 * first binding to a destination counts, as in the plugin (further ones are kept as bindings but ignored until it
 * goes). The pick is weighted rendezvous hashing rather than the plugin's jump hash over a bucket list: the share
 * is the same, adding or removing a destination moves only the values it takes or had, and the placement does not
 * depend on the order the bindings were made in, so it survives a restart (which restores bindings sorted, not in
 * their original order) and a removal in the middle moves nothing else. Destinations are told apart for hashing by
 * their {@code toString()}, which must therefore be stable across restarts (the broker's name their queue or
 * exchange). A route costs one hash per bound destination.
 *
 * <p>The destinations are an immutable snapshot swapped on each change: routing takes no lock and allocates
 * nothing.
 */
public final class ConsistentHashRouter<D> extends AbstractRouter<D> {
    public static final String TYPE = "x-consistent-hash";
    public static final String HASH_HEADER = "hash-header";
    public static final String HASH_PROPERTY = "hash-property";
    /** The properties the plugin can hash on. */
    public static final List<String> PROPERTIES = List.of("correlation_id", "message_id", "timestamp");

    private final String header;
    private final String property;
    // writer side, under the router's lock: destinations in the order of their first binding
    private final LinkedHashMap<D, List<Binding<D>>> byDestination = new LinkedHashMap<>();
    private volatile Ring ring = Ring.EMPTY;

    /** @throws IllegalArgumentException with the plugin's text when the exchange arguments are unusable */
    public ConsistentHashRouter(Map<String, Object> arguments) {
        Object h = arguments == null ? null : arguments.get(HASH_HEADER);
        Object p = arguments == null ? null : arguments.get(HASH_PROPERTY);
        if (h != null && p != null) {
            throw new IllegalArgumentException("hash-header and hash-property are mutually exclusive");
        }
        if (h != null && !(h instanceof CharSequence)) {
            throw new IllegalArgumentException("Invalid argument 'hash-header': the header name must be a string");
        }
        if (p != null && (!(p instanceof CharSequence) || !PROPERTIES.contains(p.toString()))) {
            throw new IllegalArgumentException("Unsupported property: " + p);
        }
        this.header = h == null ? null : h.toString();
        this.property = p == null ? null : p.toString();
    }

    /**
     * A binding key as a weight: a positive integer.
     *
     * @throws IllegalArgumentException with the plugin's text otherwise
     */
    public static int weight(String bindingKey) {
        String key = bindingKey == null ? "" : bindingKey;
        long value;
        try {
            value = Long.parseLong(key);
        } catch (NumberFormatException e) {
            if (key.matches("[+-]?[0-9]+")) {
                value = key.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
            } else {
                throw new IllegalArgumentException("The binding key must be an integer: <<\"" + key + "\">>");
            }
        }
        if (value < 1) {
            throw new IllegalArgumentException("The binding key must be greater than 0");
        }
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The binding key must be at most " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    @Override
    public void validateBinding(String bindingKey, Map<String, Object> arguments) {
        weight(bindingKey);
    }

    @Override
    void index(Binding<D> binding) {
        byDestination.computeIfAbsent(binding.destination(), d -> new ArrayList<>(1)).add(binding);
        rebuild();
    }

    @Override
    void unindex(Binding<D> binding) {
        List<Binding<D>> ofDestination = byDestination.get(binding.destination());
        ofDestination.remove(binding);
        if (ofDestination.isEmpty()) {
            byDestination.remove(binding.destination());
        }
        rebuild();
    }

    private void rebuild() {
        int n = byDestination.size();
        Object[] destinations = new Object[n];
        long[] seeds = new long[n];
        double[] weights = new double[n];
        int i = 0;
        for (Map.Entry<D, List<Binding<D>>> e : byDestination.entrySet()) {
            destinations[i] = e.getKey();
            seeds[i] = mix(fnv64(String.valueOf(e.getKey())));
            weights[i++] = weight(e.getValue().get(0).bindingKey());
        }
        ring = new Ring(destinations, seeds, weights);
    }

    @Override
    public boolean matchesEachRoutingKey() {
        return false;
    }

    @Override
    public void route(String routingKey, Map<String, Object> headers, Set<D> out) {
        route(routingKey, headers, null, out);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void route(String routingKey, Map<String, Object> headers, RoutingProperties properties, Set<D> out) {
        Ring r = ring;
        if (r.destinations.length == 0) {
            return;
        }
        out.add((D) r.pick(mix(hashOfValue(routingKey, headers, properties))));
    }

    private long hashOfValue(String routingKey, Map<String, Object> headers, RoutingProperties properties) {
        if (header != null) {
            return hashOf(headers == null ? null : headers.get(header));
        }
        if (property != null) {
            if (properties == null) {
                return 0;
            }
            return switch (property) {
                case "message_id" -> hashOf(properties.messageId());
                case "correlation_id" -> hashOf(properties.correlationId());
                default -> hashOf(properties.timestamp());
            };
        }
        return hashOf(routingKey);
    }

    /** A stable hash (the same across restarts): text hashes like String.hashCode whatever its class. */
    static long hashOf(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String s) {
            return s.hashCode();
        }
        if (value instanceof CharSequence cs) {
            int h = 0;
            for (int i = 0, n = cs.length(); i < n; i++) {
                h = 31 * h + cs.charAt(i);
            }
            return h;
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number n) {
            return Double.doubleToLongBits(n.doubleValue());
        }
        return value.hashCode();
    }

    /** A 64-bit hash of a destination's name (FNV-1a), so that two names hardly ever share a seed. */
    private static long fnv64(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** Spreads the bits of a hash over all 64 (MurmurHash3's finaliser). */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The bound destinations with their hashing seeds and weights. A value goes to the destination whose
     * -ln(u)/weight is lowest, u being uniform in (0, 1) from the value's and the destination's hashes: each
     * destination wins with probability weight/total, independently of the others' order.
     */
    private record Ring(Object[] destinations, long[] seeds, double[] weights) {
        static final Ring EMPTY = new Ring(new Object[0], new long[0], new double[0]);

        Object pick(long valueHash) {
            int best = 0;
            double bestScore = Double.POSITIVE_INFINITY;
            for (int i = 0; i < destinations.length; i++) {
                double u = ((mix(valueHash ^ seeds[i]) >>> 11) + 0.5) * 0x1.0p-53;
                double score = -Math.log(u) / weights[i];
                if (score < bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            return destinations[best];
        }
    }
}
