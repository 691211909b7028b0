package io.warren.cluster.transients;

import io.warren.cluster.log.DefinitionChange;
import java.util.Set;

/**
 * The log's operations on definitions that do not survive a restart. Unlike the stored definitions' operations
 * they are never written to a node's store: every node keeps them in memory ({@link TransientState}) and in the
 * log's snapshots, and a restarting node rebuilds them by replaying the log.
 */
public final class TransientOps {
    public static final String PUT_EXCHANGE = "putTransientExchange";
    /** keys: vhost, name. */
    public static final String DELETE_EXCHANGE = "deleteTransientExchange";
    public static final String PUT_QUEUE = "putTransientQueue";
    /** keys: vhost, name. */
    public static final String DELETE_QUEUE = "deleteTransientQueue";
    /** row: a BindingRow with at least one transient end. */
    public static final String PUT_BINDING = "putTransientBinding";
    public static final String DELETE_BINDING = "deleteTransientBinding";
    /**
     * A node went away: keys node, incarnation, and "only" (drop what that run of the node owned: it was seen
     * gone) or "except" (drop what every other run owned: the node itself, restarted as that run).
     */
    public static final String DROP_NODE = "dropNode";
    public static final String ONLY = "only";
    public static final String EXCEPT = "except";

    private static final Set<String> ALL = Set.of(PUT_EXCHANGE, DELETE_EXCHANGE, PUT_QUEUE, DELETE_QUEUE,
            PUT_BINDING, DELETE_BINDING, DROP_NODE);

    private TransientOps() {
    }

    public static boolean is(DefinitionChange c) {
        return ALL.contains(c.op());
    }
}
