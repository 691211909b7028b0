package io.warren.broker.lifecycle;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dead-lettering over the wire: where messages go, and the x-death headers they carry, as RabbitMQ writes them. */
class DeadLetteringTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    /** A source queue dead-lettering to exchange dlx, and a queue bound to dlx with key "#". */
    private record Setup(String source, String dlx, String dlq) {
    }

    private static Setup setup(Channel ch, Map<String, Object> extraArgs) throws Exception {
        String dlx = unique("dlx");
        ch.exchangeDeclare(dlx, "topic");
        String dlq = ch.queueDeclare(unique("dlq"), false, false, false, Map.of()).getQueue();
        ch.queueBind(dlq, dlx, "#");
        java.util.HashMap<String, Object> args = new java.util.HashMap<>(extraArgs);
        args.put("x-dead-letter-exchange", dlx);
        String source = ch.queueDeclare(unique("source"), false, false, false, args).getQueue();
        return new Setup(source, dlx, dlq);
    }

    private static GetResponse awaitGet(Channel ch, String queue) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(queue, true), r -> r != null);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deaths(GetResponse r) {
        return (List<Map<String, Object>>) r.getProps().getHeaders().get("x-death");
    }

    @Test
    void nackWithoutRequeueDeadLettersTheMessageWithAnXDeathEntry() throws Exception {
        Channel ch = broker.channel();
        Setup s = setup(ch, Map.of());
        long before = System.currentTimeMillis() / 1000;
        ch.basicPublish("", s.source(), new AMQP.BasicProperties.Builder().messageId("m-2").build(), utf8("poison"));
        GetResponse delivery = await().until(() -> ch.basicGet(s.source(), false), r -> r != null);
        ch.basicNack(delivery.getEnvelope().getDeliveryTag(), false, false);

        GetResponse dead = awaitGet(ch, s.dlq());
        assertEquals("poison", text(dead));
        assertEquals("m-2", dead.getProps().getMessageId());
        assertEquals(s.dlx(), dead.getEnvelope().getExchange());
        assertEquals(s.source(), dead.getEnvelope().getRoutingKey(), "the original routing key is kept");
        List<Map<String, Object>> deaths = deaths(dead);
        assertEquals(1, deaths.size());
        Map<String, Object> d = deaths.get(0);
        assertEquals(1L, d.get("count"));
        assertEquals("rejected", d.get("reason").toString());
        assertEquals(s.source(), d.get("queue").toString());
        assertEquals("", d.get("exchange").toString());
        assertEquals(List.of(s.source()), ((List<?>) d.get("routing-keys")).stream().map(Object::toString).toList());
        Date time = assertInstanceOf(Date.class, d.get("time"));
        assertTrue(time.getTime() / 1000 >= before && time.getTime() / 1000 <= System.currentTimeMillis() / 1000 + 1);
        Map<String, Object> h = dead.getProps().getHeaders();
        assertEquals("rejected", h.get("x-first-death-reason").toString());
        assertEquals(s.source(), h.get("x-first-death-queue").toString());
        assertEquals("", h.get("x-first-death-exchange").toString());
        assertEquals("rejected", h.get("x-last-death-reason").toString());
        assertEquals(s.source(), h.get("x-last-death-queue").toString());
        assertEquals(0, ch.messageCount(s.source()));
    }

    @Test
    void rejectWithoutRequeueAndNoDeadLetterExchangeDropsTheMessage() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, null, utf8("gone"));
        GetResponse r = await().until(() -> ch.basicGet(q, false), x -> x != null);
        ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
        await().until(() -> ch.messageCount(q) == 0);
        assertNull(ch.basicGet(q, true));
    }

    @Test
    void aDeadLetterRoutingKeyReplacesTheRoutingKeysAndRemovesCc() throws Exception {
        Channel ch = broker.channel();
        String dlx = unique("dlx");
        ch.exchangeDeclare(dlx, "direct");
        String dlq = ch.queueDeclare().getQueue();
        ch.queueBind(dlq, dlx, "failed");
        String source = ch.queueDeclare(unique("src"), false, false, false,
                Map.of("x-dead-letter-exchange", dlx, "x-dead-letter-routing-key", "failed")).getQueue();
        String other = ch.queueDeclare().getQueue();
        ch.basicPublish("", source, new AMQP.BasicProperties.Builder()
                .headers(Map.of("CC", List.of(other))).build(), utf8("x"));
        GetResponse r = await().until(() -> ch.basicGet(source, false), x -> x != null);
        ch.basicReject(r.getEnvelope().getDeliveryTag(), false);

        GetResponse dead = awaitGet(ch, dlq);
        assertEquals("failed", dead.getEnvelope().getRoutingKey());
        assertFalse(dead.getProps().getHeaders().containsKey("CC"));
        assertEquals(List.of(source, other), ((List<?>) deaths(dead).get(0).get("routing-keys")).stream()
                .map(Object::toString).toList(), "routing-keys are the ones it was published with, CC included");
    }

    @Test
    void dyingTwiceInTheSameQueueForTheSameReasonRaisesTheCount() throws Exception {
        Channel ch = broker.channel();
        // source dead-letters to the default exchange under "retry"; retry's TTL sends it back to source
        String source = unique("src");
        String retry = unique("retry");
        ch.queueDeclare(retry, false, false, false, Map.of("x-message-ttl", 10,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", source));
        ch.queueDeclare(source, false, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", retry));
        ch.basicPublish("", source, null, utf8("again"));
        for (int round = 1; round <= 2; round++) {
            GetResponse r = await().atMost(Duration.ofSeconds(10))
                    .until(() -> ch.basicGet(source, false), x -> x != null);
            if (round == 2) {
                List<Map<String, Object>> deaths = deaths(r);
                assertEquals(2, deaths.size(), "one entry per {queue, reason}");
                assertEquals(retry, deaths.get(0).get("queue").toString(), "the latest death comes first");
                assertEquals("expired", deaths.get(0).get("reason").toString());
                assertEquals(source, deaths.get(1).get("queue").toString());
                assertEquals(1L, deaths.get(1).get("count"));
                assertEquals("rejected", r.getProps().getHeaders().get("x-first-death-reason").toString());
                assertEquals("expired", r.getProps().getHeaders().get("x-last-death-reason").toString());
            }
            ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
        }
        GetResponse third = await().atMost(Duration.ofSeconds(10))
                .until(() -> ch.basicGet(source, true), x -> x != null);
        List<Map<String, Object>> deaths = deaths(third);
        assertEquals(2, deaths.size());
        assertEquals(2L, deaths.get(0).get("count"));
        assertEquals(2L, deaths.get(1).get("count"));
    }

    @Test
    void aCycleWithoutRejectionIsBrokenByDroppingTheMessage() throws Exception {
        Channel ch = broker.channel();
        // expired messages go back to the same queue through the default exchange: RabbitMQ drops them
        String q = unique("cycle");
        ch.queueDeclare(q, false, false, false, Map.of("x-message-ttl", 20, "x-dead-letter-exchange", ""));
        ch.basicPublish("", q, null, utf8("round and round"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ch.messageCount(q) == 0);
        Thread.sleep(200);
        assertEquals(0, ch.messageCount(q), "the message did not come back");
    }

    @Test
    void aMissingDeadLetterExchangeDropsTheMessage() throws Exception {
        Channel ch = broker.channel();
        String q = ch.queueDeclare(unique("src"), false, false, false,
                Map.of("x-dead-letter-exchange", unique("missing"))).getQueue();
        ch.basicPublish("", q, null, utf8("x"));
        GetResponse r = await().until(() -> ch.basicGet(q, false), x -> x != null);
        ch.basicNack(r.getEnvelope().getDeliveryTag(), false, false);
        await().until(() -> ch.messageCount(q) == 0);
        assertTrue(ch.isOpen());
    }

    @Test
    void aDeadLetterRoutingKeyWithoutAnExchangeIsRefused() {
        AMQP.Channel.Close close = channelClose(() -> broker.channel().queueDeclare(unique("q"), false, false, false,
                Map.of("x-dead-letter-routing-key", "k")));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("x-dead-letter-routing-key"), close.getReplyText());
    }

    @Test
    void deadLetteredMessagesAreCountedInTheBrokerTotals() throws Exception {
        Channel ch = broker.channel();
        Setup s = setup(ch, Map.of());
        long before = broker.broker().messageTotals().deadLettered();
        ch.basicPublish("", s.source(), null, utf8("a"));
        GetResponse r = await().until(() -> ch.basicGet(s.source(), false), x -> x != null);
        ch.basicReject(r.getEnvelope().getDeliveryTag(), false);
        assertNotNull(awaitGet(ch, s.dlq()));
        assertEquals(before + 1, broker.broker().messageTotals().deadLettered());
    }
}
