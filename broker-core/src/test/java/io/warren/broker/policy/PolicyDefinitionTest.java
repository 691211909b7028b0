package io.warren.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What RabbitMQ accepts as a policy, and its reasons for what it does not. */
class PolicyDefinitionTest {
    private static String refusal(Map<String, Object> definition) {
        return assertThrows(PolicyException.class, () -> Policy.of("/", "p", ".*", "all", definition, 0))
                .getMessage();
    }

    private static void accepted(Map<String, Object> definition) {
        assertEquals(definition, Policy.of("/", "p", ".*", "all", definition, 0).definition());
    }

    @Test
    void theUsualQueueAndExchangeSettingsAreAccepted() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("message-ttl", 0);
        d.put("expires", 1);
        d.put("max-length", 10);
        d.put("max-length-bytes", 5_000_000_000L);
        d.put("overflow", "reject-publish-dlx");
        d.put("dead-letter-exchange", "dlx");
        d.put("dead-letter-routing-key", "dead");
        d.put("delivery-limit", 3);
        d.put("alternate-exchange", "ae");
        d.put("queue-mode", "lazy");
        accepted(d);
    }

    @Test
    void settingsOfRabbitMqFeaturesWarrenLacksAreAcceptedSoItsExportsLoad() {
        accepted(Map.of("ha-mode", "all", "ha-sync-mode", "automatic"));
        accepted(Map.of("max-age", "7D", "federation-upstream-set", "all", "queue-leader-locator", "balanced"));
    }

    @Test
    void unknownKeysAreRefusedWithThemNamed() {
        String why = refusal(Map.of("message-ttl", 5, "colour", "blue"));
        assertTrue(why.startsWith("Validation failed"), why);
        assertTrue(why.contains("{\"colour\":\"blue\"} are not recognised policy settings"), why);
    }

    @Test
    void maxPriorityAndSingleActiveConsumerAreNotPolicySettings() {
        assertTrue(refusal(Map.of("max-priority", 10)).contains("are not recognised policy settings"));
        assertTrue(refusal(Map.of("single-active-consumer", true)).contains("are not recognised policy settings"));
    }

    @Test
    void anEmptyDefinitionIsRefused() {
        assertTrue(refusal(Map.of()).contains("no policy provided"));
    }

    @Test
    void numbersMustBeIntegersInRange() {
        assertTrue(refusal(Map.of("message-ttl", -1)).contains("-1 is not a valid message TTL"));
        assertTrue(refusal(Map.of("message-ttl", "1000")).contains("\"1000\" is not a valid message TTL"));
        assertTrue(refusal(Map.of("message-ttl", 10.5)).contains("is not a valid message TTL"));
        assertTrue(refusal(Map.of("expires", 0)).contains("0 is not a valid queue expiry"));
        assertTrue(refusal(Map.of("max-length", true)).contains("true is not a valid maximum length"));
        assertTrue(refusal(Map.of("max-length-bytes", -5)).contains("is not a valid maximum length in bytes"));
        assertTrue(refusal(Map.of("delivery-limit", -2)).contains("is not a valid delivery limit"));
        assertTrue(refusal(Map.of("consumer-timeout", "86400000"))
                .contains("\"86400000\" is not a valid consumer timeout"));
        assertTrue(refusal(Map.of("consumer-timeout", -1)).contains("-1 is not a valid consumer timeout"));
    }

    @Test
    void overflowMustBeOneOfRabbitMqsThree() {
        assertTrue(refusal(Map.of("overflow", "drop-tail")).contains("\"drop-tail\" is not a valid overflow value"));
    }

    @Test
    void exchangeNamesMustBeStrings() {
        assertTrue(refusal(Map.of("dead-letter-exchange", 5)).contains("not a valid dead letter exchange name"));
        assertTrue(refusal(Map.of("alternate-exchange", List.of("a")))
                .contains("not a valid alternate exchange name"));
    }

    @Test
    void aBadPatternOrApplyToIsRefused() {
        Map<String, Object> d = Map.of("message-ttl", 1);
        assertTrue(assertThrows(PolicyException.class, () -> Policy.of("/", "p", "[", "all", d, 0)).getMessage()
                .contains("is not a valid regular expression"));
        assertTrue(assertThrows(PolicyException.class, () -> Policy.of("/", "p", ".*", "both", d, 0)).getMessage()
                .contains("apply-to 'both' unrecognised"));
    }

    @Test
    void applyToDefaultsToAll() {
        assertEquals(ApplyTo.ALL, Policy.of("/", "p", ".*", null, Map.of("message-ttl", 1), 0).applyTo());
    }
}
