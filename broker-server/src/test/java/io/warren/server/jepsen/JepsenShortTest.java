package io.warren.server.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.server.faults.NetnsNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short Jepsen-style runs for CI: three child JVMs, durable queues, persistent messages published with
 * confirms and consumed with manual acks through different nodes, while a node holding no queue (for quorum
 * queues: leading no queue's shard) is killed and restarted, then a queue's home (quorum: its shard's leader),
 * then a node is paused, then (as root) one is cut off. No confirmed message may be lost and nothing never
 * published may come out; duplicates are allowed.
 */
class JepsenShortTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void classicDurableQueuesLoseNoConfirmedMessageThroughKillsPausesAndPartitions() throws Exception {
        runAndCheck("classic");
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES) // 4 min seen with node restarts of 40 s at a load average near 20
    void quorumQueuesLoseNoConfirmedMessageThroughLeaderKillsPausesAndPartitions() throws Exception {
        runAndCheck("quorum");
    }

    private void runAndCheck(String queueType) throws Exception {
        List<Fault> plan = new ArrayList<>(List.of(Fault.KILL_OTHER, Fault.KILL_HOME, Fault.PAUSE));
        if (NetnsNetwork.available()) {
            plan.add(Fault.PARTITION);
        }
        JepsenOptions options = new JepsenOptions(queueType, 2, 3, 3, plan, 1L, true, Nemesis.Timing.shortRun(),
                Duration.ofMinutes(3), 5000, dir);

        JepsenRun.Result r = new JepsenRun(options).run();

        Fates f = r.fates();
        assertEquals(plan.size(), r.failover().size(), "every planned fault was made");
        assertTrue(f.confirmed() > 0, "some messages were confirmed:\n" + f.table());
        assertEquals(0, f.lost().size(), "confirmed messages lost:\n" + f.table());
        assertEquals(0, f.unexpected().size(), "messages never published came out:\n" + f.table());
    }
}
