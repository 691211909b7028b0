package io.warren.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Direct exchange: a message goes to the destinations bound with a key equal to its routing key. */
public final class DirectRouter<D> extends AbstractRouter<D> {
    private final ConcurrentHashMap<String, DestinationSet<D>> byKey = new ConcurrentHashMap<>();

    @Override
    void index(Binding<D> binding) {
        byKey.computeIfAbsent(binding.bindingKey(), k -> new DestinationSet<>()).add(binding.destination());
    }

    @Override
    void unindex(Binding<D> binding) {
        DestinationSet<D> destinations = byKey.get(binding.bindingKey());
        destinations.remove(binding.destination());
        if (destinations.isEmpty()) {
            byKey.remove(binding.bindingKey());
        }
    }

    @Override
    public void route(String routingKey, Map<String, Object> headers, Set<D> out) {
        DestinationSet<D> destinations = byKey.get(routingKey == null ? "" : routingKey);
        if (destinations != null) {
            destinations.addTo(out);
        }
    }
}
