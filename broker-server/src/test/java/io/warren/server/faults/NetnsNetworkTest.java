package io.warren.server.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The namespaces and routes NetnsNetwork makes, and that it leaves nothing behind. */
class NetnsNetworkTest {
    @Test
    void partitionsAreBlackholeRoutesBothWaysAndCloseRemovesEveryNamespaceAndLink() throws Exception {
        assumeTrue(NetnsNetwork.available(), "needs root and ip netns");
        String prefix;
        try (NetnsNetwork net = NetnsNetwork.create(3)) {
            prefix = net.prefix();
            assertEquals(3, count(ip("netns", "list"), prefix + "n"));
            assertTrue(ip("link", "show", prefix + "br").contains(prefix + "br"));

            net.partition(Set.of(0), Set.of(1, 2));
            assertTrue(ip("-n", prefix + "n0", "route").contains("blackhole " + net.host(1)));
            assertTrue(ip("-n", prefix + "n0", "route").contains("blackhole " + net.host(2)));
            assertTrue(ip("-n", prefix + "n2", "route").contains("blackhole " + net.host(0)));
            assertFalse(ip("-n", prefix + "n1", "route").contains("blackhole " + net.host(2)));

            net.heal();
            for (int i = 0; i < 3; i++) {
                assertFalse(ip("-n", prefix + "n" + i, "route").contains("blackhole"));
            }
        }
        assertEquals(0, count(ip("netns", "list"), prefix));
        assertFalse(ip("link").contains(prefix));
    }

    private static int count(String text, String word) {
        return text.split(word, -1).length - 1;
    }

    private static String ip(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
