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
 * <p>A binding's key is its weight: it adds that many buckets to the end of the ring, so a destination's share of
 * the values is its weight over the total. A value picks a bucket by jump consistent hashing (Lamping and Veach),
 * so adding a binding moves only the share the new destination takes; removing one shifts the buckets after it,
 * as in the plugin. Only the first binding to a destination counts, as in the plugin (further ones are kept as
 * bindings but ignored until it goes).
 *
 * <p>The ring is an immutable snapshot swapped on each change: routing takes no lock and allocates nothing.
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
        int w = weight(bindingKey);
        if ((long) ring.total + w > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The weights of the bindings of a consistent-hash exchange must add "
                    + "up to at most " + Integer.MAX_VALUE);
        }
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
        int[] ends = new int[n];
        long total = 0;
        int i = 0;
        for (Map.Entry<D, List<Binding<D>>> e : byDestination.entrySet()) {
            total = Math.min(Integer.MAX_VALUE, total + weight(e.getValue().get(0).bindingKey()));
            destinations[i] = e.getKey();
            ends[i++] = (int) total;
        }
        ring = new Ring(destinations, ends, (int) total);
    }

    @Override
    public void route(String routingKey, Map<String, Object> headers, Set<D> out) {
        route(routingKey, headers, null, out);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void route(String routingKey, Map<String, Object> headers, RoutingProperties properties, Set<D> out) {
        Ring r = ring;
        if (r.total == 0) {
            return;
        }
        int bucket = jump(mix(hashOfValue(routingKey, headers, properties)), r.total);
        out.add((D) r.destinationOf(bucket));
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

    /** Spreads the bits of a hash over all 64 (MurmurHash3's finaliser). */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Jump consistent hash: the bucket in [0, buckets) of a key; growing buckets moves only 1/buckets of keys. */
    static int jump(long key, int buckets) {
        long b = -1;
        long j = 0;
        while (j < buckets) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((b + 1) * (2147483648.0 / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }

    /** The destinations in ring order and where each one's buckets end (exclusive, cumulative). */
    private record Ring(Object[] destinations, int[] ends, int total) {
        static final Ring EMPTY = new Ring(new Object[0], new int[0], 0);

        Object destinationOf(int bucket) {
            int lo = 0;
            int hi = ends.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (ends[mid] > bucket) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return destinations[lo];
        }
    }
}
