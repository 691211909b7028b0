package io.warren.routing;

import java.util.List;
import java.util.Map;

/**
 * Binding bookkeeping shared by the routers; subclasses keep their own lock-free routing index.
 *
 * <p>The broker already serialises definition changes, but writers still take a private lock so
 * that a slip there cannot corrupt the writer-side structures. route() never takes it.
 */
abstract class AbstractRouter<D> implements Router<D> {
    private final Object writeLock = new Object();
    private final BindingRegistry<D> registry = new BindingRegistry<>();
    // Volatile so bindingCount/isEmpty can be read from any thread without the lock.
    private volatile int count;

    /** Adds a binding that is new to this router to the routing index. */
    abstract void index(Binding<D> binding);

    /** Removes a binding that was indexed from the routing index. */
    abstract void unindex(Binding<D> binding);

    @Override
    public final boolean bind(D destination, String bindingKey, Map<String, Object> arguments) {
        validateBinding(bindingKey, arguments);
        Binding<D> binding = new Binding<>(destination, bindingKey, arguments);
        synchronized (writeLock) {
            if (!registry.add(binding)) {
                return false;
            }
            index(binding);
            count = registry.size();
            return true;
        }
    }

    @Override
    public final boolean unbind(D destination, String bindingKey, Map<String, Object> arguments) {
        Binding<D> binding = new Binding<>(destination, bindingKey, arguments);
        synchronized (writeLock) {
            if (!registry.remove(binding)) {
                return false;
            }
            unindex(binding);
            count = registry.size();
            return true;
        }
    }

    @Override
    public final int unbindAll(D destination) {
        synchronized (writeLock) {
            List<Binding<D>> removed = registry.removeAll(destination);
            for (Binding<D> binding : removed) {
                unindex(binding);
            }
            count = registry.size();
            return removed.size();
        }
    }

    @Override
    public final List<Binding<D>> bindings() {
        synchronized (writeLock) {
            return registry.snapshot();
        }
    }

    @Override
    public final int bindingCount() {
        return count;
    }

    @Override
    public final boolean isEmpty() {
        return count == 0;
    }
}
