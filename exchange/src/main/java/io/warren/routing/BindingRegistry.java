package io.warren.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bindings of one router, in insertion order and indexed by destination.
 *
 * <p>Not thread-safe: {@link AbstractRouter} guards it with its write lock. Routing never reads it.
 */
final class BindingRegistry<D> {
    private final Set<Binding<D>> all = new LinkedHashSet<>();
    private final Map<D, Set<Binding<D>>> byDestination = new HashMap<>();

    boolean add(Binding<D> binding) {
        if (!all.add(binding)) {
            return false;
        }
        byDestination.computeIfAbsent(binding.destination(), d -> new LinkedHashSet<>()).add(binding);
        return true;
    }

    boolean remove(Binding<D> binding) {
        if (!all.remove(binding)) {
            return false;
        }
        Set<Binding<D>> ofDestination = byDestination.get(binding.destination());
        ofDestination.remove(binding);
        if (ofDestination.isEmpty()) {
            byDestination.remove(binding.destination());
        }
        return true;
    }

    /** Removes and returns every binding to destination. */
    List<Binding<D>> removeAll(D destination) {
        Set<Binding<D>> removed = byDestination.remove(destination);
        if (removed == null) {
            return List.of();
        }
        all.removeAll(removed);
        return new ArrayList<>(removed);
    }

    List<Binding<D>> snapshot() {
        return List.copyOf(all);
    }

    int size() {
        return all.size();
    }
}
