package io.warren.server.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The long run's command line: defaults, a seed that fixes the plan, and errors that show the usage. */
class JepsenOptionsTest {
    @Test
    void aSeedFixesThePlanOfFaultsAndPartitionsCanBeLeftOut() {
        JepsenOptions a = JepsenOptions.parse(new String[] {"--dir", "/tmp/x", "--faults", "120", "--seed", "7"});
        JepsenOptions b = JepsenOptions.parse(new String[] {"--dir", "/tmp/x", "--faults", "120", "--seed", "7"});
        JepsenOptions none = JepsenOptions.parse(new String[] {"--dir", "/tmp/x", "--seed", "7", "--no-partitions"});

        assertEquals(120, a.plan().size());
        assertEquals(a.plan(), b.plan());
        assertTrue(a.plan().contains(Fault.PARTITION));
        assertFalse(none.plan().contains(Fault.PARTITION));
        assertEquals(100, none.plan().size());
        assertEquals("classic", a.queueType());
        assertEquals(Path.of("/tmp/x"), a.dir());
    }

    @Test
    void quorumIsOneArgumentAway() {
        JepsenOptions o = JepsenOptions.parse(new String[] {"--dir", "d", "--queue-type", "quorum"});

        assertEquals("quorum", o.queueType());
    }

    @Test
    void badArgumentsAreRefusedWithTheUsage() {
        for (String[] args : new String[][] {{"--dir", "d", "--queue-type", "stream"}, {"--dir", "d", "--faults", "x"},
                {"--faults", "3"}, {"--dir", "d", "--faults", "0"}, {"--dir", "d", "--bogus", "1"}, {"--dir"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JepsenOptions.parse(args));
            assertTrue(e.getMessage().contains("usage: JepsenRun"), e.getMessage());
        }
    }
}
