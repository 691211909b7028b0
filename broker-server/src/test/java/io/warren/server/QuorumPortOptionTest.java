package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --quorum-port: where this node's quorum-queue Raft server listens. */
class QuorumPortOptionTest {
    @Test
    void theQuorumServerIsOnTheClusterPortPlusTwoUnlessToldOtherwise() {
        var byDefault = ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100"})
                .cluster().settings();
        assertEquals(7102, byDefault.effectiveQuorumPort());
        var own = ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-nodes", "a@h:7000,b@h:7003",
                "--quorum-port", "7600"}).cluster().settings();
        assertEquals(7600, own.effectiveQuorumPort());
    }

    @Test
    void aQuorumPortWithoutAClusterOrOnAnotherClusterPortIsRefused() {
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--quorum-port", "7600"}));
        assertTrue(alone.getMessage().contains("quorum-port is only for a node in a cluster"), alone.getMessage());
        IllegalArgumentException onLink = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100",
                        "--quorum-port", "7101"}));
        assertTrue(onLink.getMessage().contains("other than cluster-port (7100) and the link's port (7101)"),
                onLink.getMessage());
    }
}
