package io.warren.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.log.DefinitionChange;
import io.warren.store.definitions.PolicyRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policies the definitions log made, and the index they are current at, which quorum queue configs carry. */
class LoggedPoliciesTest {
    private final List<DefinitionChange> changes = new ArrayList<>();
    private final ChangeRecorder log = ChangeRecorder.to("nodea", changes::add);
    private final List<String> told = new ArrayList<>();

    private DefinitionChange last() {
        return changes.get(changes.size() - 1);
    }

    @Test
    void eachChangeMovesItsVhostsIndexAndTellsTheListener() {
        LoggedPolicies p = new LoggedPolicies();
        p.onChange((vhost, index) -> told.add(vhost + "@" + index));
        p.restoredAt(3);
        assertEquals(3, p.current("/").index());
        assertNull(p.current("/").forQuorumQueue("orders"));

        log.putPolicy(new PolicyRow("/", "cap", "^orders$", "quorum_queues", 0, "{\"max-length\":3}"));
        p.applied(last(), 7);
        assertEquals(7, p.current("/").index());
        assertEquals(3L, ((Number) p.current("/").forQuorumQueue("orders").definition().get("max-length"))
                .longValue());
        assertNull(p.current("/").forQuorumQueue("other"));
        assertEquals(3, p.current("other-vhost").index()); // untouched: current as restored

        log.deletePolicy("/", "cap");
        p.applied(last(), 9);
        assertEquals(9, p.current("/").index());
        assertNull(p.current("/").forQuorumQueue("orders"));
        assertEquals(List.of("/@7", "/@9"), told);
    }

    @Test
    void aResetHasNoIndexUntilTheRestoredIndexIsKnown() {
        LoggedPolicies p = new LoggedPolicies();
        p.onChange((vhost, index) -> told.add(vhost + "@" + index));
        p.restoredAt(5);
        p.reset(List.of(new PolicyRow("v", "ttl", ".*", "all", 1, "{\"message-ttl\":1000}")));
        assertEquals(-1, p.current("v").index());
        assertEquals(List.of(), told);
        p.restoredAt(40);
        assertEquals(40, p.current("v").index());
        assertEquals("ttl", p.current("v").forQuorumQueue("q").name());
        assertEquals(List.of("v@40"), told);
    }

    @Test
    void anInvalidStoredPolicyIsLeftOutAlike() {
        LoggedPolicies p = new LoggedPolicies();
        log.putPolicy(new PolicyRow("/", "broken", "(", "queues", 0, "{\"max-length\":3}"));
        p.applied(last(), 2);
        assertEquals(2, p.current("/").index());
        assertNull(p.current("/").forQuorumQueue("("));
    }
}
