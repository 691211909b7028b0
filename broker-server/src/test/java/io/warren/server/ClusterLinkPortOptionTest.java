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
        assertTrue(alone.getMessage().contains("cluster-link-port and cluster-link-tls are only for a node in a"),
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

    @Test
    void linkTlsUsesTheNodesCertificateAndNeedsACaBundle() {
        var s = ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100", "--tls-cert",
                "node.pem", "--tls-key", "node.key", "--tls-ca", "ca.pem", "--cluster-link-tls", "true"})
                .cluster().settings();
        assertEquals(java.nio.file.Path.of("node.pem"), s.linkTls().certChain());
        assertEquals(java.nio.file.Path.of("ca.pem"), s.linkTls().ca());
        assertEquals(null, ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100"})
                .cluster().settings().linkTls());
        IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class,
                () -> ServerOptions.parse(new String[] {"--node-name", "a", "--cluster-port", "7100", "--tls-cert",
                        "node.pem", "--tls-key", "node.key", "--cluster-link-tls", "true"}));
        assertTrue(noCa.getMessage().contains("cluster-link-tls needs tls-cert, tls-key and tls-ca"),
                noCa.getMessage());
    }
}
