package io.warren.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.state.AppliedState;
import io.warren.codec.ReplyCodes;
import io.warren.store.definitions.BindingRow;
import io.warren.store.definitions.ExchangeRow;
import io.warren.store.definitions.QueueRow;
import io.warren.store.definitions.StoredDefinitions;
import io.warren.store.definitions.VhostRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two nodes change the same definition at once: both changes reach the log, and the state machine, checking each
 * in log order against what the log made before it, lets the first through and refuses the second on every node.
 */
class AppliedStateTest {
    private final List<DefinitionChange> log = new ArrayList<>();
    private final AppliedState state = new AppliedState();

    private DefinitionChange apply(DefinitionChange c) {
        DefinitionChange checked = state.check(c);
        state.applied(checked);
        return checked;
    }

    private DefinitionChange last() {
        return log.get(log.size() - 1);
    }

    @Test
    void theSecondOfTwoConflictingQueueDeclaresIsRefusedAndARedeclareKeepsTheFirstHome() {
        state.reset(StoredDefinitions.empty());
        ChangeRecorder a = ChangeRecorder.to("a", log::add);
        ChangeRecorder b = ChangeRecorder.to("b", log::add);
        a.putVhost(new VhostRow("/"));
        apply(last());
        a.putQueue(new QueueRow("/", "orders", false, "{\"x-max-length\":10}", "a"));
        apply(last());
        b.putQueue(new QueueRow("/", "orders", false, "{\"x-max-length\":20}", "b"));
        AppliedState.Refused refused = assertThrows(AppliedState.Refused.class, () -> state.check(last()));
        assertEquals(ReplyCodes.PRECONDITION_FAILED, refused.refusal().replyCode());
        assertTrue(refused.refusal().text().contains("declared differently on another node"),
                refused.refusal().text());

        b.putQueue(new QueueRow("/", "orders", false, "{\"x-max-length\":10}", "b"));
        assertEquals("a", apply(last()).row(QueueRow.class).node());
        assertEquals("a", state.queueNode("/", "orders"));
    }

    @Test
    void aBindingToAQueueDeletedFirstOnAnotherNodeIsRefused() {
        state.reset(new StoredDefinitions(List.of(new VhostRow("/")), List.of(), List.of(),
                List.of(new ExchangeRow("/", "x", "direct", false, false, "{}")),
                List.of(new QueueRow("/", "q", false, "{}", "a")), List.of(), List.of()));
        ChangeRecorder a = ChangeRecorder.to("a", log::add);
        ChangeRecorder b = ChangeRecorder.to("b", log::add);
        a.deleteQueue("/", "q");
        apply(last());
        b.putBinding(new BindingRow("/", "x", "q", BindingRow.DestinationType.QUEUE, "k", "{}"));
        AppliedState.Refused refused = assertThrows(AppliedState.Refused.class, () -> state.check(last()));
        assertEquals(ReplyCodes.NOT_FOUND, refused.refusal().replyCode());

        a.deleteVhost("/");
        apply(last());
        b.putExchange(new ExchangeRow("/", "y", "fanout", false, false, "{}"));
        assertEquals(ReplyCodes.NOT_FOUND, assertThrows(AppliedState.Refused.class, () -> state.check(last()))
                .refusal().replyCode());
    }
}
