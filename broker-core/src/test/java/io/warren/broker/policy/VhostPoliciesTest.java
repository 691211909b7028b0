package io.warren.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which one policy applies to a queue or exchange, as RabbitMQ chooses it. */
class VhostPoliciesTest {
    private final VhostPolicies policies = new VhostPolicies();

    private static Policy policy(String name, String pattern, String applyTo, int priority) {
        return Policy.of("/", name, pattern, applyTo, Map.of("message-ttl", 1000), priority);
    }

    @Test
    void patternsAreNotAnchoredLikeErlangsReRun() {
        policies.put(policy("mid", "ders", "all", 0));
        assertEquals("mid", policies.forQueue("orders").name());
        assertEquals("mid", policies.forExchange("orders.x").name());
        assertNull(policies.forQueue("invoices"));
    }

    @Test
    void anchorsInThePatternAnchor() {
        policies.put(policy("orders", "^orders\\.", "queues", 0));
        assertEquals("orders", policies.forQueue("orders.new").name());
        assertNull(policies.forQueue("old.orders.new"));
        assertNull(policies.forQueue("orders"));
    }

    @Test
    void applyToSelectsTheKindOfEntity() {
        policies.put(policy("q", ".*", "queues", 0));
        policies.put(policy("x", ".*", "exchanges", 0));
        assertEquals("q", policies.forQueue("a").name());
        assertEquals("x", policies.forExchange("a").name());
    }

    @Test
    void classicQueuesPoliciesApplyToWarrensQueuesButQuorumAndStreamOnesDoNot() {
        policies.put(policy("quorum", ".*", "quorum_queues", 10));
        policies.put(policy("streams", ".*", "streams", 9));
        assertNull(policies.forQueue("a"));
        policies.put(policy("classic", ".*", "classic_queues", 0));
        assertEquals("classic", policies.forQueue("a").name());
        assertNull(policies.forExchange("a"));
    }

    @Test
    void theHighestPriorityAmongMatchingPoliciesWins() {
        policies.put(policy("low", ".*", "all", 1));
        policies.put(policy("high", "^a", "all", 5));
        policies.put(policy("higher-but-no-match", "^b", "all", 9));
        assertEquals("high", policies.forQueue("abc").name());
        assertEquals("low", policies.forQueue("xyz").name());
    }

    @Test
    void negativePrioritiesRankBelowZero() {
        policies.put(policy("negative", ".*", "all", -3));
        policies.put(policy("zero", ".*", "all", 0));
        assertEquals("zero", policies.forQueue("a").name());
    }

    @Test
    void equalPrioritiesAreDecidedByNameSoTheChoiceIsStable() {
        policies.put(policy("b", ".*", "all", 2));
        policies.put(policy("a", ".*", "all", 2));
        assertEquals("a", policies.forQueue("q").name());
    }

    @Test
    void replacingAPolicyByNameKeepsOneAndRemovingFallsBackToTheNext() {
        policies.put(policy("p", ".*", "all", 5));
        Policy replacement = policy("p", "^nothing$", "all", 5);
        policies.put(policy("fallback", ".*", "all", 0));
        assertEquals("p", policies.put(replacement).name());
        assertEquals(2, policies.list().size());
        assertSame(replacement, policies.get("p"));
        assertEquals("fallback", policies.forQueue("q").name());
        policies.remove("fallback");
        assertNull(policies.forQueue("q"));
        assertNull(policies.remove("fallback"));
    }
}
