package io.warren.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.ctl.RunningWarren.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quorum replica commands reach the management API's /api/queues/quorum/... endpoints; a single node answers
 * that it is not in a cluster (the commands at work on a cluster: ClusterQuorumReplicasApiTest in broker-server).
 */
class QuorumCommandsTest {
    @RegisterExtension
    static final RunningWarren warren = new RunningWarren();

    @Test
    void eachCommandReachesItsEndpointAndASingleNodeSaysItIsNotInACluster() {
        for (String[] args : new String[][] {{"add_member", "orders", "nodeb"}, {"delete_member", "orders", "nodeb"},
                {"grow", "nodeb", "all"}, {"shrink", "nodeb"}}) {
            Result r = warren.ctl(args);
            assertEquals(ExitCodes.DATA_ERROR, r.exitCode(), r::toString);
            assertTrue(r.err().contains("not in a cluster"), r::toString);
        }
    }

    @Test
    void missingArgumentsAreAUsageError() {
        Result r = warren.ctl("grow", "nodeb");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().contains("grow <node> <all|even>"), r::toString);
    }
}
