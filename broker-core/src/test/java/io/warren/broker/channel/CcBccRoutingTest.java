package io.warren.broker.channel;

import static io.warren.broker.TestMessages.boundQueue;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import io.warren.broker.WireErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CcBccRoutingTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    static AMQP.BasicProperties withHeaders(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().headers(headers).messageId("cc-test").build();
    }

    @Test
    void ccRoutesACopyToEachListedKeyAndStaysVisible() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = "cc-direct";
            ch.exchangeDeclare(x, "direct");
            String main = boundQueue(ch, x, "main");
            String c1 = boundQueue(ch, x, "copy-1");
            String c2 = boundQueue(ch, x, "copy-2");
            String other = boundQueue(ch, x, "other");
            ch.basicPublish(x, "main", withHeaders(Map.of("CC", List.of("copy-1", "copy-2"))), utf8("hi"));
            for (String q : List.of(main, c1, c2)) {
                GetResponse r = ch.basicGet(q, true);
                assertNotNull(r, q);
                assertEquals("hi", text(r));
                assertEquals("main", r.getEnvelope().getRoutingKey(), "the routing key is the published one");
                assertEquals("[copy-1, copy-2]", r.getProps().getHeaders().get("CC").toString());
                assertEquals("cc-test", r.getProps().getMessageId());
                assertEquals(0, r.getMessageCount());
            }
            assertNull(ch.basicGet(other, true));
            ch.exchangeDelete(x);
        }
    }

    @Test
    void bccRoutesCopiesButIsStrippedFromWhatConsumersSee() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String x = "bcc-direct";
            ch.exchangeDeclare(x, "direct");
            String main = boundQueue(ch, x, "main");
            String cc = boundQueue(ch, x, "cc");
            String bcc = boundQueue(ch, x, "bcc");
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put("keep", "me");
            headers.put("CC", List.of("cc"));
            headers.put("BCC", List.of("bcc"));
            ch.basicPublish(x, "main", withHeaders(headers), utf8("secret"));
            for (String q : List.of(main, cc, bcc)) {
                GetResponse r = ch.basicGet(q, true);
                assertNotNull(r, q);
                assertEquals("secret", text(r));
                Map<String, Object> seen = r.getProps().getHeaders();
                assertFalse(seen.containsKey("BCC"), "BCC leaked to " + q + ": " + seen);
                assertEquals("[cc]", seen.get("CC").toString());
                assertEquals("me", seen.get("keep").toString());
                assertEquals("cc-test", r.getProps().getMessageId());
            }
            ch.exchangeDelete(x);
        }
    }

    @Test
    void bccAloneRoutesAndLeavesOtherHeadersIntact() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String only = boundQueue(ch, "amq.direct", "bcc-only-target");
            Map<String, Object> headers = new LinkedHashMap<>(BasicPublishTest.richHeaders());
            headers.put("BCC", List.of("bcc-only-target"));
            ch.basicPublish("amq.direct", "unbound-key", withHeaders(headers), new byte[0]);
            GetResponse r = ch.basicGet(only, true);
            assertNotNull(r, "the BCC copy was not routed");
            assertEquals(0, r.getBody().length);
            assertEquals(BasicPublishTest.normalize(BasicPublishTest.richHeaders()),
                    BasicPublishTest.normalize(r.getProps().getHeaders()));
        }
    }

    @Test
    void aQueueMatchedByTheKeyAndACcGetsOneCopy() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, "amq.topic", "a.*");
            ch.basicPublish("amq.topic", "a.one", withHeaders(Map.of("CC", List.of("a.two"), "BCC", List.of("a.three"))),
                    utf8("x"));
            GetResponse r = ch.basicGet(q, true);
            assertNotNull(r);
            assertEquals(0, r.getMessageCount(), "exactly one copy per queue");
            assertNull(ch.basicGet(q, true));
        }
    }

    @Test
    void aMandatoryPublishRoutedOnlyByCcIsNotReturned() throws Exception {
        try (Channel ch = conn.createChannel()) {
            java.util.concurrent.BlockingQueue<com.rabbitmq.client.Return> returns =
                    new java.util.concurrent.LinkedBlockingQueue<>();
            ch.addReturnListener(returns::add);
            String q = boundQueue(ch, "amq.direct", "cc-mandatory");
            ch.basicPublish("amq.direct", "nothing-here", true, withHeaders(Map.of("CC", List.of("cc-mandatory"))),
                    utf8("x"));
            ch.basicPublish("amq.direct", "nothing-here", true, withHeaders(Map.of("CC", List.of("nor-here"))),
                    utf8("y"));
            com.rabbitmq.client.Return ret = returns.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(ret);
            assertEquals("y", text(ret));
            assertEquals(1, ch.queueDeclarePassive(q).getMessageCount());
            assertTrue(returns.isEmpty());
        }
    }
    @Test
    void everyExchangeOnTheWayMatchesTheRoutingKeyAndTheCcKeysTogether() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String first = unique("cc-hop-1");
            String second = unique("cc-hop-2");
            ch.exchangeDeclare(first, "direct");
            ch.exchangeDeclare(second, "direct");
            ch.exchangeBind(second, first, "to-second");
            String q = boundQueue(ch, second, "main");
            // the CC key takes the message to the second exchange, whose queue is bound under the routing key
            Map<String, Object> headers = new LinkedHashMap<>();
            headers.put("CC", List.of("to-second"));
            headers.put("BCC", List.of("hidden"));
            ch.basicPublish(first, "main", withHeaders(headers), utf8("two hops"));
            GetResponse r = ch.basicGet(q, true);
            assertNotNull(r, "the queue behind the second exchange did not get the message");
            assertEquals("two hops", text(r));
            assertFalse(r.getProps().getHeaders().containsKey("BCC"), "BCC leaked: " + r.getProps().getHeaders());
            assertEquals("[to-second]", r.getProps().getHeaders().get("CC").toString());
            ch.exchangeDelete(first);
            ch.exchangeDelete(second);
        }
    }

    @Test
    void theAlternateExchangeIsNotTakenWhenACcKeyRoutesTheMessage() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String alternate = unique("cc-ae");
            String x = unique("cc-with-ae");
            ch.exchangeDeclare(alternate, "fanout");
            ch.exchangeDeclare(x, "direct", false, false, Map.of("alternate-exchange", alternate));
            String unrouted = boundQueue(ch, alternate, "");
            String copy = boundQueue(ch, x, "copy");
            ch.basicPublish(x, "bound-to-nothing", withHeaders(Map.of("CC", List.of("copy"))), utf8("routed"));
            assertNotNull(ch.basicGet(copy, true));
            assertEquals(0, ch.queueDeclarePassive(unrouted).getMessageCount(),
                    "the message matched through its CC key, so the alternate exchange must not get it");
            ch.exchangeDelete(x);
            ch.exchangeDelete(alternate);
        }
    }

    @Test
    void ccElementsThatAreNotStringsAreSkipped() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String numbered = boundQueue(ch, "amq.direct", "7");
            String name = unique("cc-named");
            String named = boundQueue(ch, "amq.direct", name);
            ch.basicPublish("amq.direct", "nowhere", withHeaders(Map.of("CC", List.of(7, name))), utf8("x"));
            assertEquals(1, ch.queueDeclarePassive(named).getMessageCount(), "the string keys still route");
            assertNull(ch.basicGet(numbered, true), "an integer in CC is no routing key (as in RabbitMQ)");
        }
    }

    @Test
    void aCcHeaderThatIsNotAnArrayClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        ch.basicPublish("amq.direct", "k", withHeaders(Map.of("CC", "just-one-key")), utf8("x"));
        AMQP.Channel.Close close = WireErrors.awaitChannelClosed(ch);
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,\"CC\",longstr}",
                close.getReplyText());
    }

    @Test
    void aBccHeaderThatIsNotAnArrayClosesTheChannelWith406AndRoutesNothing() throws Exception {
        String q;
        try (Channel ch = conn.createChannel()) {
            q = boundQueue(ch, "amq.direct", unique("bcc-bad"));
        }
        String key = "bcc-bad-key";
        Channel ch = conn.createChannel();
        ch.queueBind(q, "amq.direct", key);
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("BCC", 42);
        ch.basicPublish("amq.direct", key, withHeaders(headers), utf8("x"));
        AMQP.Channel.Close close = WireErrors.awaitChannelClosed(ch);
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,\"BCC\",signedint}",
                close.getReplyText());
        try (Channel check = conn.createChannel()) {
            assertEquals(0, check.queueDeclarePassive(q).getMessageCount());
        }
    }
}
