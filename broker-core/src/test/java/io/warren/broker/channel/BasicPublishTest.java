package io.warren.broker.channel;

import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.channelClose;
import static io.warren.broker.WireErrors.connectionClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.Return;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BasicPublishTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    @Test
    void mandatoryPublishWithNoRouteComesBackAsBasicReturn() throws Exception {
        try (Channel ch = conn.createChannel()) {
            BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
            ch.addReturnListener(returns::add);
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("text/plain").messageId("m-1").headers(Map.of("k", "v")).build();
            ch.basicPublish("amq.direct", "nobody-binds-this", true, props, utf8("lost"));

            Return r = returns.poll(10, TimeUnit.SECONDS);
            assertNotNull(r, "no basic.return");
            assertEquals(312, r.getReplyCode());
            assertEquals("NO_ROUTE", r.getReplyText());
            assertEquals("amq.direct", r.getExchange());
            assertEquals("nobody-binds-this", r.getRoutingKey());
            assertArrayEquals(utf8("lost"), r.getBody());
            assertEquals("text/plain", r.getProperties().getContentType());
            assertEquals("m-1", r.getProperties().getMessageId());
            assertEquals("v", r.getProperties().getHeaders().get("k").toString());
        }
    }

    @Test
    void nonMandatoryPublishWithNoRouteIsDroppedSilently() throws Exception {
        try (Channel ch = conn.createChannel()) {
            BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
            ch.addReturnListener(returns::add);
            ch.basicPublish("amq.direct", "nobody-binds-this", false, null, utf8("dropped"));
            ch.basicPublish("amq.direct", "nobody-binds-this", true, null, utf8("returned"));
            Return r = returns.poll(10, TimeUnit.SECONDS);
            assertNotNull(r);
            assertArrayEquals(utf8("returned"), r.getBody(), "only the mandatory one comes back");
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void mandatoryPublishThatIsRoutedIsNotReturned() throws Exception {
        try (Channel ch = conn.createChannel()) {
            BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
            ch.addReturnListener(returns::add);
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, true, null, utf8("routed"));
            ch.basicPublish("", "no-such-queue-" + q, true, null, utf8("unrouted"));
            Return r = returns.poll(10, TimeUnit.SECONDS);
            assertArrayEquals(utf8("unrouted"), r.getBody());
            assertEquals(1, ch.queueDeclarePassive(q).getMessageCount());
            assertTrue(returns.isEmpty());
        }
    }

    @Test
    void publishToAMissingExchangeClosesTheChannelWith404() throws Exception {
        Channel ch = conn.createChannel();
        ch.basicPublish("no-such-exchange", "k", null, utf8("x"));
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(404, close.getReplyCode());
        assertTrue(close.getReplyText().contains("no-such-exchange"), close.getReplyText());
        assertEquals(60, close.getClassId());
        assertEquals(40, close.getMethodId());
        assertTrue(conn.isOpen(), "a channel error leaves the connection open");
    }

    @Test
    void aUserIdPropertyOtherThanTheAuthenticatedUserClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, new AMQP.BasicProperties.Builder().userId("mallory").build(), utf8("x"));
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was 'guest'",
                close.getReplyText());
    }

    @Test
    void theAuthenticatedUsersOwnUserIdIsAccepted() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().userId("guest").build(), utf8("x"));
            assertEquals("guest", ch.basicGet(q, true).getProps().getUserId());
        }
    }

    @Test
    void publishToAMissingExchangeFailsTheNextSynchronousCall() throws Exception {
        Channel ch = conn.createChannel();
        ch.basicPublish("no-such-exchange", "k", null, utf8("x"));
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare());
        assertEquals(404, close.getReplyCode());
    }

    @Test
    void immediatePublishClosesTheConnectionWith540() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        ch.basicPublish("", "whatever", false, true, null, utf8("x"));
        AMQP.Connection.Close close = connectionClose(() -> ch.queueDeclare());
        assertEquals(540, close.getReplyCode());
        assertTrue(close.getReplyText().contains("immediate=true"), close.getReplyText());
        assertEquals(60, close.getClassId());
        assertEquals(40, close.getMethodId());
        assertFalse(c.isOpen());
    }

    @Test
    void allFourteenPropertiesArriveUnchanged() throws Exception {
        Date ts = new Date(1_700_000_000_000L); // AMQP timestamps have second precision
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json").contentEncoding("gzip").headers(Map.of("h", "x"))
                .deliveryMode(2).priority(7).correlationId("corr-42").replyTo("reply-queue")
                .expiration("60000").messageId("msg-1").timestamp(ts).type("order.created")
                .userId("guest").appId("warren-tests").clusterId("cluster-9").build();
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, true, d);
            ch.basicPublish("", q, props, utf8("body"));
            AMQP.BasicProperties got = d.next().properties();
            assertEquals("application/json", got.getContentType());
            assertEquals("gzip", got.getContentEncoding());
            assertEquals("x", got.getHeaders().get("h").toString());
            assertEquals(2, got.getDeliveryMode());
            assertEquals(7, got.getPriority());
            assertEquals("corr-42", got.getCorrelationId());
            assertEquals("reply-queue", got.getReplyTo());
            assertEquals("60000", got.getExpiration());
            assertEquals("msg-1", got.getMessageId());
            assertEquals(ts, got.getTimestamp());
            assertEquals("order.created", got.getType());
            assertEquals("guest", got.getUserId());
            assertEquals("warren-tests", got.getAppId());
            assertEquals("cluster-9", got.getClusterId());
        }
    }

    /** Headers of every field type the Java client writes. */
    static Map<String, Object> richHeaders() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("inner", "value");
        nested.put("n", 3);
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("string", "héllo wörld");
        h.put("int", 42);
        h.put("negative-int", -7);
        h.put("long", 1L << 40);
        h.put("short", (short) 12);
        h.put("byte", (byte) -3);
        h.put("bool-true", true);
        h.put("bool-false", false);
        h.put("double", 3.25d);
        h.put("float", 1.5f);
        h.put("decimal", new BigDecimal("123.45"));
        h.put("timestamp", new Date(1_600_000_000_000L));
        h.put("table", nested);
        h.put("array", List.of("a", 1, true, List.of("x")));
        h.put("bytes", new byte[] {0, 1, 2, (byte) 255});
        h.put("void", null);
        return h;
    }

    /** The client hands strings back as LongString and byte arrays as byte[]: compare as text. */
    static Object normalize(Object v) {
        if (v instanceof LongString s) {
            return s.toString();
        }
        if (v instanceof byte[] b) {
            return java.util.Arrays.toString(b);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }

    @Test
    void headersOfEveryFieldTypeArriveUnchanged() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Map<String, Object> headers = richHeaders();
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().headers(headers).build(), utf8("h"));
            GetResponse r = ch.basicGet(q, true);
            assertEquals(normalize(headers), normalize(r.getProps().getHeaders()));
        }
    }

    @Test
    void headersExchangeRoutesOnRichHeadersAndKeepsThem() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, "amq.match", "", Map.of("x-match", "all", "int", 42, "string", "héllo wörld"));
            Map<String, Object> headers = richHeaders();
            ch.basicPublish("amq.match", "", new AMQP.BasicProperties.Builder().headers(headers).build(), utf8("h"));
            ch.basicPublish("amq.match", "", new AMQP.BasicProperties.Builder().headers(Map.of("int", 41)).build(),
                    utf8("not matched"));
            GetResponse r = ch.basicGet(q, true);
            assertNotNull(r);
            assertEquals(normalize(headers), normalize(r.getProps().getHeaders()));
            assertEquals(0, r.getMessageCount());
        }
    }

    @Test
    void messagesWithoutPropertiesArriveWithNone() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, utf8("plain"));
            GetResponse r = ch.basicGet(q, true);
            assertArrayEquals(utf8("plain"), r.getBody());
            assertEquals(null, r.getProps().getHeaders());
            assertEquals(null, r.getProps().getContentType());
            assertEquals(null, r.getProps().getDeliveryMode());
        }
    }

    @Test
    void emptyBodiesArriveEmpty() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().messageId("empty-1").build(), new byte[0]);
            ch.basicPublish("", q, null, new byte[0]);
            ch.basicPublish("", q, null, utf8("after"));
            ch.basicConsume(q, true, d);
            Deliveries.Delivery first = d.next();
            assertEquals(0, first.body().length);
            assertEquals("empty-1", first.properties().getMessageId());
            assertEquals(0, d.next().body().length);
            assertEquals("after", d.next().text());
        }
    }

    @Test
    void messagesLargerThanFrameMaxArriveIntact() throws Exception {
        int frameMax = conn.getFrameMax();
        assertTrue(frameMax > 0 && frameMax < 1 << 20, "frame max " + frameMax);
        Random random = new Random(7);
        byte[] oneMiB = new byte[1 << 20];
        byte[] fiveMiB = new byte[5 << 20];
        byte[] justOver = new byte[frameMax - 8 + 1]; // one byte more than fits one body frame
        random.nextBytes(oneMiB);
        random.nextBytes(fiveMiB);
        random.nextBytes(justOver);
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            Deliveries d = new Deliveries(ch);
            ch.basicConsume(q, true, d);
            ch.basicPublish("", q, null, oneMiB);
            ch.basicPublish("", q, null, fiveMiB);
            ch.basicPublish("", q, null, justOver);
            ch.basicPublish("", q, null, utf8("small"));
            assertArrayEquals(oneMiB, d.next().body());
            assertArrayEquals(fiveMiB, d.next().body());
            assertArrayEquals(justOver, d.next().body());
            assertEquals("small", d.next().text());
        }
    }

    @Test
    void largeMessagesSurviveBasicGetAndReturn() throws Exception {
        byte[] big = new byte[3 << 20];
        new Random(11).nextBytes(big);
        try (Channel ch = conn.createChannel()) {
            BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
            ch.addReturnListener(returns::add);
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, big);
            assertArrayEquals(big, ch.basicGet(q, true).getBody());
            ch.basicPublish("amq.direct", "unbound", true, null, big);
            Return r = returns.poll(10, TimeUnit.SECONDS);
            assertNotNull(r);
            assertArrayEquals(big, r.getBody());
        }
    }
}
