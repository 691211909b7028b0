package io.warren.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.broker.RunningBroker;
import io.warren.broker.definitions.DefinitionsLoader;
import io.warren.broker.queue.AmqpQueue;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies survive a restart, and come from a definitions file like the rest of a topology. */
class PoliciesDurableTest {
    @TempDir
    Path data;

    @Test
    void policiesSurviveARestartAndApplyToTheRestoredQueues() throws Exception {
        try (RunningBroker first = RunningBroker.startOn(data)) {
            first.channel().queueDeclare("orders", true, false, false, Map.of("x-max-length", 100));
            PolicyFixture.set(first, "/", "limits", "^orders$", "queues", 3, Map.of("max-length", 10,
                    "dead-letter-exchange", "dlx"));
            PolicyFixture.set(first, "/", "gone", ".*", "all", 9, Map.of("message-ttl", 5));
            PolicyFixture.clear(first, "/", "gone");
        }
        try (RunningBroker second = RunningBroker.startOn(data)) {
            var policies = second.broker().vhost("/").policies();
            assertNull(policies.get("gone"));
            Policy limits = policies.get("limits");
            assertEquals("^orders$", limits.pattern());
            assertEquals(ApplyTo.QUEUES, limits.applyTo());
            assertEquals(3, limits.priority());
            assertEquals(Map.of("max-length", 10, "dead-letter-exchange", "dlx"), limits.definition());

            AmqpQueue q = PolicyFixture.awaitApplied(second, "/", "orders");
            assertEquals("limits", q.policyName());
            assertEquals(10, q.effectiveArguments().get("x-max-length"));
            assertEquals("dlx", q.effectiveArguments().get("x-dead-letter-exchange").toString());
        }
    }

    @Test
    void aDefinitionsFileSetsPoliciesThatApplyToItsQueuesAndExchanges() throws Exception {
        String file = """
                {"vhosts":[{"name":"defs"}],
                 "policies":[{"vhost":"defs","name":"ttl","pattern":"^audit","apply-to":"queues",
                              "definition":{"message-ttl":60000,"overflow":"reject-publish"},"priority":1},
                             {"vhost":"defs","name":"ae","pattern":"^events$","apply-to":"exchanges",
                              "definition":{"alternate-exchange":"unrouted"},"priority":0}],
                 "exchanges":[{"name":"events","vhost":"defs","type":"fanout","durable":true,"auto_delete":false,
                               "internal":false,"arguments":{}}],
                 "queues":[{"name":"audit.log","vhost":"defs","durable":true,"auto_delete":false,
                            "arguments":{"x-message-ttl":120000}}]}
                """;
        try (RunningBroker b = RunningBroker.startOn(data)) {
            DefinitionsLoader.Summary s = new DefinitionsLoader(b.broker()).load(new ObjectMapper().readTree(file));
            assertEquals(2, s.policies());
            AmqpQueue q = PolicyFixture.awaitApplied(b, "defs", "audit.log");
            assertEquals("ttl", q.policyName());
            assertEquals(60_000, q.effectiveArguments().get("x-message-ttl")); // the lower of policy and argument
            assertEquals("reject-publish", q.effectiveArguments().get("x-overflow").toString());
            assertEquals("unrouted", b.broker().vhost("defs").exchange("events").alternateExchange());
        }
    }

    @Test
    void aDefinitionsFileWithABadPolicyFailsWithAClearReason() throws Exception {
        try (RunningBroker b = RunningBroker.startOn(data)) {
            DefinitionsLoader loader = new DefinitionsLoader(b.broker());
            var mapper = new ObjectMapper();
            String ttl = assertThrows(DefinitionsLoader.DefinitionsException.class, () -> loader.load(mapper.readTree(
                    "{\"policies\":[{\"vhost\":\"/\",\"name\":\"p\",\"pattern\":\".*\","
                            + "\"definition\":{\"message-ttl\":-5}}]}"))).getMessage();
            assertEquals("policy 'p' in vhost '/': Validation failed: -5 is not a valid message TTL "
                    + "(policy key 'message-ttl')", ttl);
            String vhost = assertThrows(DefinitionsLoader.DefinitionsException.class, () -> loader.load(mapper
                    .readTree("{\"policies\":[{\"vhost\":\"nowhere\",\"name\":\"p\",\"pattern\":\".*\","
                            + "\"definition\":{\"message-ttl\":5}}]}"))).getMessage();
            assertTrue(vhost.contains("unknown vhost 'nowhere'"), vhost);
            assertNull(b.broker().vhost("/").policies().get("p"));
        }
    }
}
