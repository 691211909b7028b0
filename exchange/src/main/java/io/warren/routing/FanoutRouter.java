package io.warren.routing;

import java.util.Map;
import java.util.Set;

/** Fanout exchange: a message goes to every bound destination, whatever the keys. */
public final class FanoutRouter<D> extends AbstractRouter<D> {
    private final DestinationSet<D> destinations = new DestinationSet<>();

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
        destinations.addTo(out);
    }
}
