package io.warren.broker.durable;

import io.warren.store.definitions.DefinitionStore;
import io.warren.store.definitions.DefinitionWriter;

/**
 * Where a broker's definition changes go before they take effect: straight into its own store (a single node), or
 * through a cluster's replicated log that every node applies to its store. The cluster module supplies the latter.
 */
public interface DefinitionReplication {
    /** A single node: changes are written to its own store. */
    DefinitionReplication LOCAL = new DefinitionReplication() {
        @Override
        public DefinitionWriter writer(DefinitionStore local) {
            return local;
        }

        @Override
        public boolean createsDefaults() {
            return true;
        }
    };

    /** The writer the broker's journal writes each change through, given the node's own opened store. */
    DefinitionWriter writer(DefinitionStore local);

    /**
     * Whether the broker itself creates the default user and vhost on its first start. A cluster does it once for
     * all nodes instead, so that a node joining later does not bring back a user deleted from the cluster.
     */
    boolean createsDefaults();

    /**
     * Whether writing a change waits for other nodes (a majority's commit, up to a timeout), so that it must not
     * be done on an event loop that serves other connections and queues. A single node writes inline.
     */
    default boolean waitsForOthers() {
        return false;
    }

    /**
     * Where the definitions that do not survive a restart (transient exchanges and queues, exclusive queues,
     * bindings with such an end) are reported: nowhere on a single node; to the other nodes in a cluster, where
     * they are visible too. Same contract as the journal: a call that throws means the change must not happen.
     */
    default DefinitionJournal transients() {
        return DefinitionJournal.NONE;
    }

    /** Where durable queues live: here (a single node), or on their home node in a cluster. */
    default io.warren.broker.queue.QueuePlacement placement() {
        return io.warren.broker.queue.QueuePlacement.LOCAL;
    }
}
