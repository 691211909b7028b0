package io.warren.broker.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which queues a message reaches through direct, fanout, topic and headers exchanges. */
class RoutingTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Channel ch = broker.channel();

    private String exchange(String type) throws Exception {
        String x = type + "-" + UUID.randomUUID();
        ch.exchangeDeclare(x, type);
        return x;
    }

    private String queueBoundTo(String exchange, String key) throws Exception {
        return queueBoundTo(exchange, key, null);
    }

    private String queueBoundTo(String exchange, String key, Map<String, Object> args) throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, exchange, key, args);
        return q;
    }

    private void publish(String exchange, String key, String body) throws Exception {
        ch.basicPublish(exchange, key, null, body.getBytes(StandardCharsets.UTF_8));
    }

    private void publishWithHeaders(String exchange, String body, Map<String, Object> headers) throws Exception {
        ch.basicPublish(exchange, "", new AMQP.BasicProperties.Builder().headers(headers).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Every body in the queue, in order (basic.get waits for earlier publishes on the same channel). */
    private List<String> drain(String queue) throws Exception {
        List<String> out = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) {
            out.add(new String(r.getBody(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Map<String, Object> table(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- direct ----

    @Test
    void directRoutesOnTheExactKeyToEveryQueueBoundWithIt() throws Exception {
        String x = exchange("direct");
        String a1 = queueBoundTo(x, "a");
        String a2 = queueBoundTo(x, "a");
        String b = queueBoundTo(x, "b");
        publish(x, "a", "to a");
        publish(x, "b", "to b");
        publish(x, "A", "case matters");
        publish(x, "", "empty key");
        assertEquals(List.of("to a"), drain(a1));
        assertEquals(List.of("to a"), drain(a2));
        assertEquals(List.of("to b"), drain(b));
    }

    @Test
    void aQueueBoundTwiceGetsOneCopy() throws Exception {
        String x = exchange("direct");
        String q = queueBoundTo(x, "k");
        ch.queueBind(q, x, "k");
        publish(x, "k", "one");
        assertEquals(List.of("one"), drain(q));
    }

    @Test
    void anUnboundQueueStopsReceiving() throws Exception {
        String x = exchange("direct");
        String q = queueBoundTo(x, "k");
        publish(x, "k", "before");
        ch.queueUnbind(q, x, "k");
        publish(x, "k", "after");
        assertEquals(List.of("before"), drain(q));
    }

    @Test
    void thePredeclaredDirectExchangeRoutes() throws Exception {
        String q = queueBoundTo("amq.direct", "pre");
        publish("amq.direct", "pre", "pre-declared");
        assertEquals(List.of("pre-declared"), drain(q));
    }

    // ---- fanout ----

    @Test
    void fanoutCopiesToEveryBoundQueueWhateverTheKey() throws Exception {
        String x = exchange("fanout");
        String q1 = queueBoundTo(x, "");
        String q2 = queueBoundTo(x, "ignored");
        publish(x, "anything", "everyone");
        assertEquals(List.of("everyone"), drain(q1));
        assertEquals(List.of("everyone"), drain(q2));
    }

    // ---- topic ----

    @Test
    void starMatchesExactlyOneWord() throws Exception {
        String x = exchange("topic");
        String q = queueBoundTo(x, "*.orange.*");
        publish(x, "quick.orange.rabbit", "yes");
        publish(x, "orange.rabbit", "too few");
        publish(x, "quick.orange.male.rabbit", "too many");
        publish(x, ".orange.", "empty words count");
        assertEquals(List.of("yes", "empty words count"), drain(q));
    }

    @Test
    void hashMatchesZeroOrMoreWords() throws Exception {
        String x = exchange("topic");
        String q = queueBoundTo(x, "lazy.#");
        publish(x, "lazy", "zero");
        publish(x, "lazy.orange", "one");
        publish(x, "lazy.orange.male.rabbit", "three");
        publish(x, "quick.lazy", "not at the start");
        publish(x, "lazyfox", "not a word boundary");
        assertEquals(List.of("zero", "one", "three"), drain(q));
    }

    @Test
    void hashInTheMiddleMatchesAnyRun() throws Exception {
        String x = exchange("topic");
        String q = queueBoundTo(x, "a.#.z");
        publish(x, "a.z", "none between");
        publish(x, "a.b.c.z", "two between");
        publish(x, "a.b.c", "no z");
        assertEquals(List.of("none between", "two between"), drain(q));
    }

    @Test
    void aLoneHashMatchesEveryKeyIncludingTheEmptyOne() throws Exception {
        String x = exchange("topic");
        String q = queueBoundTo(x, "#");
        publish(x, "", "empty");
        publish(x, "a.b.c", "words");
        assertEquals(List.of("empty", "words"), drain(q));
    }

    @Test
    void aTopicWithoutWildcardsMatchesLikeDirect() throws Exception {
        String x = exchange("topic");
        String q = queueBoundTo(x, "stock.usd.nyse");
        publish(x, "stock.usd.nyse", "exact");
        publish(x, "stock.usd", "prefix");
        assertEquals(List.of("exact"), drain(q));
    }

    @Test
    void aMessageMatchingSeveralBindingsOfOneQueueArrivesOnce() throws Exception {
        String x = exchange("topic");
        String q = queueBoundTo(x, "*.orange.*");
        ch.queueBind(q, x, "*.*.rabbit");
        publish(x, "quick.orange.rabbit", "both patterns");
        assertEquals(List.of("both patterns"), drain(q));
    }

    // ---- headers ----

    @Test
    void headersAllNeedsEveryBoundHeaderWithItsValue() throws Exception {
        String x = exchange("headers");
        String q = queueBoundTo(x, "", table("x-match", "all", "format", "pdf", "type", "report"));
        publishWithHeaders(x, "both", table("format", "pdf", "type", "report", "extra", 1));
        publishWithHeaders(x, "one", table("format", "pdf"));
        publishWithHeaders(x, "wrong value", table("format", "zip", "type", "report"));
        publishWithHeaders(x, "no headers", null);
        assertEquals(List.of("both"), drain(q));
    }

    @Test
    void headersAnyNeedsOneBoundHeaderWithItsValue() throws Exception {
        String x = exchange("headers");
        String q = queueBoundTo(x, "", table("x-match", "any", "format", "pdf", "type", "report"));
        publishWithHeaders(x, "format", table("format", "pdf"));
        publishWithHeaders(x, "type", table("type", "report", "format", "zip"));
        publishWithHeaders(x, "neither", table("format", "zip"));
        assertEquals(List.of("format", "type"), drain(q));
    }

    @Test
    void headersMatchingDefaultsToAll() throws Exception {
        String x = exchange("headers");
        String q = queueBoundTo(x, "", table("a", "1", "b", "2"));
        publishWithHeaders(x, "both", table("a", "1", "b", "2"));
        publishWithHeaders(x, "one", table("a", "1"));
        assertEquals(List.of("both"), drain(q));
    }

    @Test
    void headersMatchingIgnoresTheRoutingKey() throws Exception {
        String x = exchange("headers");
        String q = queueBoundTo(x, "some-key", table("x-match", "any", "a", "1"));
        ch.basicPublish(x, "other-key", new AMQP.BasicProperties.Builder().headers(table("a", "1")).build(),
                "keyless".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("keyless"), drain(q));
    }

    @Test
    void headersMatchingComparesNumbersByValue() throws Exception {
        String x = exchange("headers");
        String q = queueBoundTo(x, "", table("x-match", "all", "version", 2));
        publishWithHeaders(x, "two", table("version", 2));
        publishWithHeaders(x, "three", table("version", 3));
        assertEquals(List.of("two"), drain(q));
    }

    @Test
    void xPrefixedHeadersOnlyCountForTheWithXModes() throws Exception {
        String x = exchange("headers");
        String plain = queueBoundTo(x, "", table("x-match", "any", "x-tenant", "acme"));
        String withX = queueBoundTo(x, "", table("x-match", "any-with-x", "x-tenant", "acme"));
        publishWithHeaders(x, "tenant", table("x-tenant", "acme"));
        assertEquals(List.of(), drain(plain));
        assertEquals(List.of("tenant"), drain(withX));
    }

    @Test
    void aHeadersBindingWithAnInvalidXMatchFailsWith406() throws Exception {
        String x = exchange("headers");
        String q = ch.queueDeclare().getQueue();
        AMQP.Channel.Close close = io.warren.broker.WireErrors.channelClose(
                () -> ch.queueBind(q, x, "", table("x-match", "some", "a", "1")));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("x-match"), close.getReplyText());
    }

    @Test
    void thePredeclaredHeadersExchangesRoute() throws Exception {
        String q1 = queueBoundTo("amq.headers", "", table("x-match", "all", "k", "v"));
        String q2 = queueBoundTo("amq.match", "", table("x-match", "all", "k", "v"));
        publishWithHeaders("amq.headers", "via amq.headers", table("k", "v"));
        publishWithHeaders("amq.match", "via amq.match", table("k", "v"));
        assertEquals(List.of("via amq.headers"), drain(q1));
        assertEquals(List.of("via amq.match"), drain(q2));
    }
}
