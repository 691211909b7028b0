package io.warren.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Deduplication exchange (the rabbitmq-message-deduplication plugin's type {@code x-message-deduplication}): a
 * message whose {@code x-deduplication-header} value was seen within the cache's window is not routed at all;
 * any other message goes to every bound destination, like fanout (the plugin applies no routing rules either).
 *
 * <p>Arguments, as in the plugin: {@code x-cache-size} (required, a positive integer: how many values are
 * remembered, the oldest forgotten first), {@code x-cache-ttl} (optional, milliseconds a value is remembered;
 * a message's own {@code x-cache-ttl} header overrides it) and {@code x-cache-persistence} ("memory" or "disk";
 * accepted, but the cache is always in memory and starts empty after a restart).
 */
public final class DeduplicatingRouter<D> extends AbstractRouter<D> {
    public static final String TYPE = "x-message-deduplication";
    public static final String CACHE_SIZE = "x-cache-size";
    public static final String CACHE_TTL = "x-cache-ttl";
    public static final String CACHE_PERSISTENCE = "x-cache-persistence";

    private final DestinationSet<D> destinations = new DestinationSet<>();
    private final DeduplicationCache cache;
    private final long defaultTtlMillis;

    /** @throws IllegalArgumentException with the plugin's text when the exchange arguments are unusable */
    public DeduplicatingRouter(Map<String, Object> arguments) {
        this(arguments, () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
    }

    DeduplicatingRouter(Map<String, Object> arguments, LongSupplier clockMillis) {
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        long size = positive(args.get(CACHE_SIZE));
        if (size <= 0) {
            throw new IllegalArgumentException(
                    "Missing or invalid argument, 'x-cache-size' must be an integer greater than 0");
        }
        long ttl = 0;
        if (args.get(CACHE_TTL) != null) {
            ttl = positive(args.get(CACHE_TTL));
            if (ttl <= 0) {
                throw new IllegalArgumentException(
                        "Invalid argument, 'x-cache-ttl' must be an integer greater than 0");
            }
        }
        Object persistence = args.get(CACHE_PERSISTENCE);
        if (persistence != null && !(persistence instanceof CharSequence text
                && ("memory".contentEquals(text) || "disk".contentEquals(text)))) {
            throw new IllegalArgumentException(
                    "Invalid argument, 'x-cache-persistence' must be either 'disk' or 'memory'");
        }
        this.cache = new DeduplicationCache((int) Math.min(size, Integer.MAX_VALUE), clockMillis);
        this.defaultTtlMillis = ttl;
    }

    /** A positive whole number given as a number or as its text; 0 when the value is neither. */
    static long positive(Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return Math.max(0, ((Number) value).longValue());
        }
        if (value instanceof CharSequence text) {
            try {
                return Math.max(0, Long.parseLong(text.toString().trim()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    @Override
    void index(Binding<D> binding) {
        destinations.add(binding.destination());
    }

    @Override
    void unindex(Binding<D> binding) {
        destinations.remove(binding.destination());
    }

    @Override
    public boolean matchesEachRoutingKey() {
        return false;
    }

    @Override
    public void route(String routingKey, Map<String, Object> headers, Set<D> out) {
        Object key = DeduplicationKey.of(headers);
        if (key != null) {
            long ttl = positive(headers.get(CACHE_TTL));
            if (cache.seen(key, ttl > 0 ? ttl : defaultTtlMillis)) {
                return; // a duplicate: routed nowhere, so confirmed (and returned if mandatory) as unroutable
            }
        }
        destinations.addTo(out);
    }

    /** How many values the cache holds now (expired ones included until they are evicted). */
    public int cacheSize() {
        return cache.size();
    }
}
