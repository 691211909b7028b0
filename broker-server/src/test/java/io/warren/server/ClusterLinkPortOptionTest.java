package io.warren.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --cluster-link-port: where this node's message link listens. */
class ClusterLinkPortOptionTest {
    @Test
    void theLinkIsOnTheClusterPortPlusOneUnlessToldOtherwise() {
        var byDefault = ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100"})
                .cluster().settings();
        assertEquals(7101, byDefault.effectiveLinkPort());
        var own = ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-nodes", "a@h:7000,b@h:7002",
                "--cluster-link-port", "7500"}).cluster().settings();
        assertEquals(7500, own.effectiveLinkPort());
        assertEquals(7000, own.port());
    }

    @Test
    void aLinkPortWithoutAClusterOrOnTheClusterPortIsRefused() {
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--cluster-link-port", "7500"}));
        assertTrue(alone.getMessage().contains("cluster-link-port is only for a node in a cluster"),
                alone.getMessage());
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100",
                        "--cluster-link-port", "7100"}));
        assertTrue(same.getMessage().contains("other than cluster-port (7100)"), same.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100",
                        "--cluster-link-port", "70000"}));
        assertTrue(bad.getMessage().contains("cluster-link-port must be between 0 and 65535"), bad.getMessage());
    }
}
