package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import io.warren.broker.policy.PolicyFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lifecycle settings that come from a policy rather than the queue's own arguments. */
class PolicyLifecycleTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @Test
    void aMessageTtlPolicyExpiresMessagesOfMatchingQueues() throws Exception {
        Channel ch = broker.channel();
        String q = unique("ttl-policy");
        ch.queueDeclare(q, false, false, false, null);
        PolicyFixture.set(broker, "ttl-" + q, "^" + q + "$", Map.of("message-ttl", 100));
        PolicyFixture.awaitApplied(broker, "/", q);
        ch.basicPublish("", q, null, utf8("short-lived"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ch.messageCount(q) == 0);
    }

    @Test
    void aDeadLetterPolicyDeadLettersRejectedMessages() throws Exception {
        Channel ch = broker.channel();
        String q = unique("dlx-policy");
        String dlq = ch.queueDeclare().getQueue();
        PolicyFixture.set(broker, "dlx-" + q, "^" + q + "$", Map.of("dead-letter-exchange", "",
                "dead-letter-routing-key", dlq));
        ch.queueDeclare(q, false, false, false, null);
        PolicyFixture.awaitApplied(broker, "/", q);
        ch.basicPublish("", q, null, utf8("bad"));
        GetResponse r = await().until(() -> ch.basicGet(q, false), x -> x != null);
        ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
        assertEquals("bad", text(await().until(() -> ch.basicGet(dlq, true), x -> x != null)));
    }

    @Test
    void theQueuesOwnArgumentWinsOverThePolicysDeadLetterExchange() throws Exception {
        Channel ch = broker.channel();
        String q = unique("own-dlx");
        String mine = ch.queueDeclare().getQueue();
        String policys = ch.queueDeclare().getQueue();
        PolicyFixture.set(broker, "dlx-" + q, "^" + q + "$", Map.of("dead-letter-exchange", "",
                "dead-letter-routing-key", policys));
        ch.queueDeclare(q, false, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", mine));
        PolicyFixture.awaitApplied(broker, "/", q);
        ch.basicPublish("", q, null, utf8("bad"));
        GetResponse r = await().until(() -> ch.basicGet(q, false), x -> x != null);
        ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
        assertEquals("bad", text(await().until(() -> ch.basicGet(mine, true), x -> x != null)));
        assertEquals(0, ch.messageCount(policys));
    }

    @Test
    void aMaxLengthPolicyAppliesToAQueueThatAlreadyExistsAndTheLowerLimitWins() throws Exception {
        Channel ch = broker.channel();
        String q = unique("len-policy");
        ch.queueDeclare(q, false, false, false, Map.of("x-max-length", 5));
        publish(ch, q, numbered(1, 5));
        PolicyFixture.set(broker, "len-" + q, "^" + q + "$", Map.of("max-length", 2));
        PolicyFixture.awaitApplied(broker, "/", q);
        await().until(() -> ch.messageCount(q) == 2);
        assertEquals(List.of("4", "5"), drain(ch, q));
    }

    @Test
    void clearingThePolicyLiftsItsLimit() throws Exception {
        Channel ch = broker.channel();
        String q = unique("cleared");
        ch.queueDeclare(q, false, false, false, null);
        PolicyFixture.set(broker, "len-" + q, "^" + q + "$", Map.of("max-length", 1));
        PolicyFixture.awaitApplied(broker, "/", q);
        PolicyFixture.clear(broker, "/", "len-" + q);
        PolicyFixture.awaitApplied(broker, "/", q);
        publish(ch, q, numbered(1, 3));
        await().until(() -> ch.messageCount(q) == 3);
    }
}
