package io.warren.server.faults;

import java.util.List;

/** Where each node of a {@link ClusterProcesses} lives: the address it binds and is reached at, and how it runs. */
public interface NodeNetwork extends AutoCloseable {
    /** The address node i binds and every other node and the test reach it at. */
    String host(int node);

    /** The address node i listens on for AMQP and HTTP (its --bind). */
    default String bind(int node) {
        return host(node);
    }

    /** The command the node's java command is run through (empty: run directly). */
    List<String> launcher(int node);

    /** Removes whatever the network set up; the nodes are gone by then. */
    @Override
    void close();

    /** Every node on 127.0.0.1 in this machine's own network: no partitions, only process faults. */
    static NodeNetwork loopback() {
        return new NodeNetwork() {
            @Override
            public String host(int node) {
                return "127.0.0.1";
            }

            @Override
            public List<String> launcher(int node) {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }
}
