package io.warren.broker.policy;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.PolicyView;
import io.warren.broker.admin.QueueView;
import io.warren.broker.queue.AmqpQueue;
import io.warren.codec.LongString;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Policies set on a running broker reach the queues and exchanges they match, as they are and as they change. */
class PoliciesTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private AmqpQueue applied(String queue) {
        return PolicyFixture.awaitApplied(broker, "/", queue);
    }

    @Test
    void aPolicySetAfterDeclarationGivesMatchingQueuesTheirEffectiveArguments() throws Exception {
        Channel ch = broker.channel();
        ch.queueDeclare("pt.orders.new", false, false, false, Map.of("x-message-ttl", 10_000));
        ch.queueDeclare("pt.invoices", false, false, false, null);
        PolicyFixture.set(broker, "/", "pt-orders", "^pt\\.orders\\.", "queues", 0,
                Map.of("message-ttl", 500, "dead-letter-exchange", "pt.dlx"));

        AmqpQueue orders = applied("pt.orders.new");
        assertEquals("pt-orders", orders.policyName());
        assertEquals(500, orders.effectiveArguments().get("x-message-ttl"));
        assertEquals(LongString.of("pt.dlx"), orders.effectiveArguments().get("x-dead-letter-exchange"));
        assertEquals(Map.of("x-message-ttl", 10_000), orders.arguments()); // the declaration is unchanged

        AmqpQueue invoices = applied("pt.invoices");
        assertNull(invoices.policyName());
        assertEquals(Map.of(), invoices.effectiveArguments());
    }

    @Test
    void aQueueDeclaredUnderAPolicyTakesItAtOnce() throws Exception {
        PolicyFixture.set(broker, "/", "pt-early", "^pt\\.early$", "all", 0, Map.of("max-length", 3));
        broker.channel().queueDeclare("pt.early", false, false, true, null);
        AmqpQueue q = applied("pt.early");
        assertEquals("pt-early", q.policyName());
        assertEquals(3, q.effectiveArguments().get("x-max-length"));
    }

    @Test
    void theHighestPriorityPolicyAppliesAndClearingOneFallsBackToTheNext() throws Exception {
        broker.channel().queueDeclare("pt.prio", false, false, true, Map.of("x-overflow", "drop-head"));
        PolicyFixture.set(broker, "/", "pt-low", "^pt\\.prio", "queues", 1, Map.of("overflow", "reject-publish",
                "max-length", 10));
        PolicyFixture.set(broker, "/", "pt-high", "^pt\\.prio$", "all", 7, Map.of("max-length", 20));
        assertEquals("pt-high", applied("pt.prio").policyName());
        assertEquals(20, applied("pt.prio").effectiveArguments().get("x-max-length"));

        PolicyFixture.clear(broker, "/", "pt-high");
        AmqpQueue q = applied("pt.prio");
        assertEquals("pt-low", q.policyName());
        assertEquals(10, q.effectiveArguments().get("x-max-length"));
        assertEquals("drop-head", q.effectiveArguments().get("x-overflow").toString()); // its own argument wins

        PolicyFixture.clear(broker, "/", "pt-low");
        assertNull(applied("pt.prio").policyName());
        assertEquals(Map.of("x-overflow", LongString.of("drop-head")), applied("pt.prio").effectiveArguments());
    }

    @Test
    void aChangedDefinitionIsReapplied() throws Exception {
        broker.channel().queueDeclare("pt.changing", false, false, true, null);
        PolicyFixture.set(broker, "/", "pt-changing", "^pt\\.changing$", "all", 0, Map.of("message-ttl", 1000));
        assertEquals(1000, applied("pt.changing").effectiveArguments().get("x-message-ttl"));
        PolicyFixture.set(broker, "/", "pt-changing", "^pt\\.changing$", "all", 0, Map.of("message-ttl", 2000));
        assertEquals(2000, applied("pt.changing").effectiveArguments().get("x-message-ttl"));
    }

    @Test
    void anExchangePolicysAlternateExchangeTakesWhatTheExchangeCannotRoute() throws Exception {
        Channel ch = broker.channel();
        ch.exchangeDeclare("pt.in", "direct", false, true, null);
        ch.exchangeDeclare("pt.ae", "fanout", false, false, null);
        ch.queueDeclare("pt.caught", false, false, false, null);
        ch.queueBind("pt.caught", "pt.ae", "");
        PolicyFixture.set(broker, "/", "pt-ae", "^pt\\.in$", "exchanges", 0, Map.of("alternate-exchange", "pt.ae"));
        assertEquals("pt-ae", broker.broker().vhost("/").exchange("pt.in").policy().name());

        ch.basicPublish("pt.in", "nobody", null, utf8("unroutable"));
        assertEquals("unroutable", text(await().until(() -> ch.basicGet("pt.caught", true), Objects::nonNull)));

        PolicyFixture.clear(broker, "/", "pt-ae");
        assertNull(broker.broker().vhost("/").exchange("pt.in").alternateExchange());
    }

    @Test
    void aPolicyForQueuesDoesNotTouchExchangesOfTheSameName() throws Exception {
        broker.channel().exchangeDeclare("pt.same", "fanout", false, true, null);
        broker.channel().queueDeclare("pt.same", false, false, true, null);
        PolicyFixture.set(broker, "/", "pt-same", "^pt\\.same$", "queues", 0, Map.of("alternate-exchange", "x",
                "message-ttl", 5));
        assertNull(broker.broker().vhost("/").exchange("pt.same").policy());
        assertEquals("pt-same", applied("pt.same").policyName());
    }

    @Test
    void theAdminFaceShowsTheQueuesPolicyAndRefusesBadOnesWithRabbitMqsReason() throws Exception {
        BrokerAdmin admin = new BrokerAdmin(broker.broker());
        broker.channel().queueDeclare("pt.admin", false, false, true, null);
        admin.policies().put(new PolicyView("/", "pt-admin", "^pt\\.admin$", "queues", Map.of("expires", 60_000), 0));
        applied("pt.admin");
        QueueView view = admin.topology().queue("/", "pt.admin");
        assertEquals("pt-admin", view.policy());
        assertEquals(Map.of("expires", 60_000), view.effectivePolicyDefinition());

        AdminException bad = assertThrows(AdminException.class, () -> admin.policies().put(new PolicyView("/",
                "pt-bad", ".*", "queues", Map.of("max-priority", 10), 0)));
        assertEquals(AdminException.Kind.BAD_REQUEST, bad.kind());
        assertTrue(bad.getMessage().contains("are not recognised policy settings"), bad.getMessage());
        assertNull(admin.policies().policy("/", "pt-bad"));
        assertEquals(AdminException.Kind.NOT_FOUND,
                assertThrows(AdminException.class, () -> admin.policies().delete("/", "pt-bad")).kind());
    }

    @Test
    void deletingAVhostTakesItsPoliciesWithIt() {
        broker.broker().addVhost("pt-doomed");
        PolicyFixture.set(broker, "pt-doomed", "p", ".*", "all", 0, Map.of("message-ttl", 1));
        BrokerAdmin admin = new BrokerAdmin(broker.broker());
        admin.deleteVhost("pt-doomed");
        broker.broker().addVhost("pt-doomed");
        assertNull(admin.policies().policy("pt-doomed", "p"));
    }
}
