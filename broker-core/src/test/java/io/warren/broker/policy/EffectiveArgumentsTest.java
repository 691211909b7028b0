package io.warren.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.warren.codec.LongString;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A queue's own x-arguments combined with its policy, by RabbitMQ's rules for classic queues. */
class EffectiveArgumentsTest {
    private static Policy policy(Map<String, Object> definition) {
        return Policy.of("/", "p", ".*", "all", definition, 0);
    }

    @Test
    void withoutAPolicyTheQueuesOwnArgumentsAreEffective() {
        Map<String, Object> own = Map.of("x-message-ttl", 5);
        assertEquals(own, EffectiveArguments.forQueue(own, null));
    }

    @Test
    void policyKeysFillInTheMissingArgumentsAsAClientWouldSendThem() {
        Map<String, Object> e = EffectiveArguments.forQueue(Map.of(), policy(Map.of("message-ttl", 60_000,
                "dead-letter-exchange", "dlx", "max-length-bytes", 5_000_000_000L, "overflow", "reject-publish")));
        assertEquals(60_000, e.get("x-message-ttl"));
        assertEquals(LongString.of("dlx"), e.get("x-dead-letter-exchange"));
        assertEquals(5_000_000_000L, e.get("x-max-length-bytes"));
        assertEquals(LongString.of("reject-publish"), e.get("x-overflow"));
    }

    @Test
    void forLimitsTheLowerOfPolicyAndArgumentWins() {
        Map<String, Object> own = Map.of("x-message-ttl", 1000, "x-max-length", 50L, "x-expires", 9000,
                "x-delivery-limit", 2, "x-max-length-bytes", 100);
        Map<String, Object> e = EffectiveArguments.forQueue(own, policy(Map.of("message-ttl", 500, "max-length", 80,
                "expires", 60_000, "delivery-limit", 1, "max-length-bytes", 100)));
        assertEquals(500, e.get("x-message-ttl"));
        assertEquals(50L, e.get("x-max-length"));
        assertEquals(9000, e.get("x-expires"));
        assertEquals(1, e.get("x-delivery-limit"));
        assertEquals(100, e.get("x-max-length-bytes"));
    }

    @Test
    void forDeadLetteringAndOverflowTheQueuesOwnArgumentWins() {
        Map<String, Object> own = Map.of("x-dead-letter-exchange", LongString.of("mine"),
                "x-dead-letter-routing-key", LongString.of("k"), "x-overflow", LongString.of("drop-head"));
        Map<String, Object> e = EffectiveArguments.forQueue(own, policy(Map.of("dead-letter-exchange", "theirs",
                "dead-letter-routing-key", "other", "overflow", "reject-publish")));
        assertEquals(own, e);
    }

    @Test
    void settingsThatAreNotQueueArgumentsStayOut() {
        Map<String, Object> own = new LinkedHashMap<>();
        own.put("x-max-priority", 5);
        Map<String, Object> e = EffectiveArguments.forQueue(own, policy(Map.of("alternate-exchange", "ae",
                "ha-mode", "all", "message-ttl", 7)));
        assertEquals(Map.of("x-max-priority", 5, "x-message-ttl", 7), e);
        assertEquals(Map.of("x-max-priority", 5), own); // not modified
    }

    @Test
    void anExchangesOwnAlternateExchangeWinsOverItsPolicys() {
        Policy p = policy(Map.of("alternate-exchange", "from-policy"));
        assertEquals("from-policy", EffectiveArguments.alternateExchange(Map.of(), p));
        assertEquals("own", EffectiveArguments.alternateExchange(Map.of("alternate-exchange", LongString.of("own")), p));
        assertNull(EffectiveArguments.alternateExchange(Map.of(), null));
    }

    @Test
    void forAQuorumQueueAPolicyDeliveryLimitOfNoneLosesToAnyLimitAndTheHigherWins() {
        assertEquals(5, EffectiveArguments.forQuorumQueue(Map.of("x-delivery-limit", -1),
                policy(Map.of("delivery-limit", 5))).get("x-delivery-limit"));
        assertEquals(2, EffectiveArguments.forQuorumQueue(Map.of("x-delivery-limit", 2),
                policy(Map.of("delivery-limit", 7))).get("x-delivery-limit"));
        assertEquals(20, EffectiveArguments.forQuorumQueue(Map.of(),
                policy(Map.of("delivery-limit", 20))).get("x-delivery-limit"));
    }

    @Test
    void forAQuorumQueueThePolicysOverflowWinsAndTheArgumentsDeadLetteringWins() {
        Map<String, Object> e = EffectiveArguments.forQuorumQueue(Map.of("x-overflow", LongString.of("drop-head"),
                "x-dead-letter-strategy", LongString.of("at-most-once"), "x-dead-letter-routing-key",
                LongString.of("own")), policy(Map.of("overflow", "reject-publish", "dead-letter-strategy",
                "at-least-once", "dead-letter-routing-key", "theirs", "dead-letter-exchange", "dlx")));
        assertEquals(LongString.of("reject-publish"), e.get("x-overflow"));
        assertEquals(LongString.of("at-most-once"), e.get("x-dead-letter-strategy"));
        assertEquals(LongString.of("own"), e.get("x-dead-letter-routing-key"));
        assertEquals(LongString.of("dlx"), e.get("x-dead-letter-exchange"));
    }

    @Test
    void forAQuorumQueueClassicOnlyPolicyKeysDoNotApply() {
        Map<String, Object> e = EffectiveArguments.forQuorumQueue(Map.of(), policy(Map.of("queue-mode", "lazy",
                "queue-version", 2, "max-length", 10)));
        assertEquals(Map.of("x-max-length", 10), e);
    }

    @Test
    void theConsumerTimeoutOfPolicyAndArgumentIsTheLowerForClassicAndQuorumQueues() {
        Policy p = policy(Map.of("consumer-timeout", 60_000));
        assertEquals(60_000, EffectiveArguments.forQueue(Map.of(), p).get("x-consumer-timeout"));
        assertEquals(1000, EffectiveArguments.forQueue(Map.of("x-consumer-timeout", 1000), p).get("x-consumer-timeout"));
        assertEquals(60_000, EffectiveArguments.forQuorumQueue(Map.of("x-consumer-timeout", 3_600_000L), p)
                .get("x-consumer-timeout"));
    }
}
