package io.warren.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.transients.TransientExchangeRow;
import io.warren.cluster.transients.TransientOps;
import io.warren.cluster.transients.TransientQueueRow;
import io.warren.codec.ReplyCodes;
import io.warren.store.definitions.BindingRow;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.VhostRow;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The log's transient definitions, checked and taken in the same way on every node. */
class TransientStateTest {
    private final AppliedState state = new AppliedState();

    TransientStateTest() {
        state.reset(new StoredDefinitions(List.of(new VhostRow("/")), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of()));
    }

    private static DefinitionChange put(String op, Object row) {
        return ChangeRecorder.change(op, "nodea", 0, row);
    }

    private static TransientQueueRow queue(String name, String node, String run, boolean exclusive) {
        return new TransientQueueRow("/", name, false, exclusive, false, "{}", node, run, exclusive ? "c1" : null);
    }

    private static DefinitionChange drop(String node, String run, String mode) {
        return ChangeRecorder.change(TransientOps.DROP_NODE, "nodeb", 0, null, node, run, mode);
    }

    @Test
    void aGoneNodesRunIsDroppedOnceAndASecondDropOfItChangesNothing() {
        TransientState t = state.transients();
        t.apply(put(TransientOps.PUT_QUEUE, queue("mine", "nodea", "run1", true)));
        t.apply(put(TransientOps.PUT_QUEUE, queue("other", "nodec", "run9", false)));
        t.apply(put(TransientOps.PUT_EXCHANGE, new TransientExchangeRow("/", "fleeting", "fanout", false, false,
                "{}", "nodea", "run1")));
        t.apply(put(TransientOps.PUT_BINDING, new BindingRow("/", "fleeting", "other",
                BindingRow.DestinationType.QUEUE, "", "{}")));
        assertEquals("nodea", state.queueNode("/", "mine"));
        assertEquals(Set.of("run1"), t.owners().get("nodea"));

        List<DefinitionChange> deletes = t.apply(drop("nodea", "run1", TransientOps.ONLY));
        assertEquals(List.of(TransientOps.DELETE_QUEUE, TransientOps.DELETE_EXCHANGE),
                deletes.stream().map(DefinitionChange::op).toList());
        assertNull(state.queueNode("/", "mine"));
        assertEquals("nodec", state.queueNode("/", "other"));
        assertTrue(t.asChanges().stream().noneMatch(c -> c.op().equals(TransientOps.PUT_BINDING)),
                "the binding from the dropped exchange went with it");

        assertEquals(List.of(), t.apply(drop("nodea", "run1", TransientOps.ONLY)), "a second node noticing");
    }

    @Test
    void aRestartedNodeDropsEveryEarlierRunButKeepsItsCurrentOnes() {
        TransientState t = state.transients();
        t.apply(put(TransientOps.PUT_QUEUE, queue("before", "nodea", "run1", false)));
        t.apply(put(TransientOps.PUT_QUEUE, queue("after", "nodea", "run2", false)));
        assertEquals(1, t.apply(drop("nodea", "run2", TransientOps.EXCEPT)).size());
        assertNull(state.queueNode("/", "before"));
        assertEquals("nodea", state.queueNode("/", "after"));
    }

    @Test
    void anotherNodesExclusiveQueueOfTheSameNameAtTheSameTimeIsRefusedAsLocked() {
        TransientState t = state.transients();
        t.apply(put(TransientOps.PUT_QUEUE, queue("mine", "nodea", "run1", true)));
        AppliedState.Refused refused = assertThrows(AppliedState.Refused.class,
                () -> t.apply(put(TransientOps.PUT_QUEUE, queue("mine", "nodeb", "run5", true))));
        assertEquals(ReplyCodes.RESOURCE_LOCKED, refused.refusal().replyCode());
        // nor may a durable queue take the name
        DefinitionChange durable = ChangeRecorder.change("putQueue", "nodeb", 0,
                new io.warren.store.definitions.QueueRow("/", "mine", false, "{}", "nodeb"));
        assertThrows(AppliedState.Refused.class, () -> state.check(durable));
    }
}
