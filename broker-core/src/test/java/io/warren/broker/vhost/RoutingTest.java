package io.warren.broker.vhost;

import static io.warren.broker.TestMessages.boundQueue;
import static io.warren.broker.TestMessages.drain;
import static io.warren.broker.TestMessages.publishTo;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.broker.RunningBroker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which queues a message reaches through direct, fanout, topic and headers exchanges. */
class RoutingTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Channel ch = broker.channel();

    private String exchange(String type) throws Exception {
        String x = unique(type);
        ch.exchangeDeclare(x, type);
        return x;
    }

    private void publishWithHeaders(String exchange, String body, Map<String, Object> headers) throws Exception {
        ch.basicPublish(exchange, "", new AMQP.BasicProperties.Builder().headers(headers).build(), utf8(body));
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
        String a1 = boundQueue(ch, x, "a");
        String a2 = boundQueue(ch, x, "a");
        String b = boundQueue(ch, x, "b");
        publishTo(ch, x, "a", "to a");
        publishTo(ch, x, "b", "to b");
        publishTo(ch, x, "A", "case matters");
        publishTo(ch, x, "", "empty key");
        assertEquals(List.of("to a"), drain(ch, a1));
        assertEquals(List.of("to a"), drain(ch, a2));
        assertEquals(List.of("to b"), drain(ch, b));
    }

    @Test
    void aQueueBoundTwiceGetsOneCopy() throws Exception {
        String x = exchange("direct");
        String q = boundQueue(ch, x, "k");
        ch.queueBind(q, x, "k");
        publishTo(ch, x, "k", "one");
        assertEquals(List.of("one"), drain(ch, q));
    }

    @Test
    void anUnboundQueueStopsReceiving() throws Exception {
        String x = exchange("direct");
        String q = boundQueue(ch, x, "k");
        publishTo(ch, x, "k", "before");
        ch.queueUnbind(q, x, "k");
        publishTo(ch, x, "k", "after");
        assertEquals(List.of("before"), drain(ch, q));
    }

    @Test
    void thePredeclaredDirectExchangeRoutes() throws Exception {
        String q = boundQueue(ch, "amq.direct", "pre");
        publishTo(ch, "amq.direct", "pre", "pre-declared");
        assertEquals(List.of("pre-declared"), drain(ch, q));
    }

    // ---- fanout ----

    @Test
    void fanoutCopiesToEveryBoundQueueWhateverTheKey() throws Exception {
        String x = exchange("fanout");
        String q1 = boundQueue(ch, x, "");
        String q2 = boundQueue(ch, x, "ignored");
        publishTo(ch, x, "anything", "everyone");
        assertEquals(List.of("everyone"), drain(ch, q1));
        assertEquals(List.of("everyone"), drain(ch, q2));
    }

    // ---- topic ----

    @Test
    void starMatchesExactlyOneWord() throws Exception {
        String x = exchange("topic");
        String q = boundQueue(ch, x, "*.orange.*");
        publishTo(ch, x, "quick.orange.rabbit", "yes");
        publishTo(ch, x, "orange.rabbit", "too few");
        publishTo(ch, x, "quick.orange.male.rabbit", "too many");
        publishTo(ch, x, ".orange.", "empty words count");
        assertEquals(List.of("yes", "empty words count"), drain(ch, q));
    }

    @Test
    void hashMatchesZeroOrMoreWords() throws Exception {
        String x = exchange("topic");
        String q = boundQueue(ch, x, "lazy.#");
        publishTo(ch, x, "lazy", "zero");
        publishTo(ch, x, "lazy.orange", "one");
        publishTo(ch, x, "lazy.orange.male.rabbit", "three");
        publishTo(ch, x, "quick.lazy", "not at the start");
        publishTo(ch, x, "lazyfox", "not a word boundary");
        assertEquals(List.of("zero", "one", "three"), drain(ch, q));
    }

    @Test
    void hashInTheMiddleMatchesAnyRun() throws Exception {
        String x = exchange("topic");
        String q = boundQueue(ch, x, "a.#.z");
        publishTo(ch, x, "a.z", "none between");
        publishTo(ch, x, "a.b.c.z", "two between");
        publishTo(ch, x, "a.b.c", "no z");
        assertEquals(List.of("none between", "two between"), drain(ch, q));
    }

    @Test
    void aLoneHashMatchesEveryKeyIncludingTheEmptyOne() throws Exception {
        String x = exchange("topic");
        String q = boundQueue(ch, x, "#");
        publishTo(ch, x, "", "empty");
        publishTo(ch, x, "a.b.c", "words");
        assertEquals(List.of("empty", "words"), drain(ch, q));
    }

    @Test
    void aTopicWithoutWildcardsMatchesLikeDirect() throws Exception {
        String x = exchange("topic");
        String q = boundQueue(ch, x, "stock.usd.nyse");
        publishTo(ch, x, "stock.usd.nyse", "exact");
        publishTo(ch, x, "stock.usd", "prefix");
        assertEquals(List.of("exact"), drain(ch, q));
    }

    @Test
    void aMessageMatchingSeveralBindingsOfOneQueueArrivesOnce() throws Exception {
        String x = exchange("topic");
        String q = boundQueue(ch, x, "*.orange.*");
        ch.queueBind(q, x, "*.*.rabbit");
        publishTo(ch, x, "quick.orange.rabbit", "both patterns");
        assertEquals(List.of("both patterns"), drain(ch, q));
    }

    // ---- headers ----

    @Test
    void headersAllNeedsEveryBoundHeaderWithItsValue() throws Exception {
        String x = exchange("headers");
        String q = boundQueue(ch, x, "", table("x-match", "all", "format", "pdf", "type", "report"));
        publishWithHeaders(x, "both", table("format", "pdf", "type", "report", "extra", 1));
        publishWithHeaders(x, "one", table("format", "pdf"));
        publishWithHeaders(x, "wrong value", table("format", "zip", "type", "report"));
        publishWithHeaders(x, "no headers", null);
        assertEquals(List.of("both"), drain(ch, q));
    }

    @Test
    void headersAnyNeedsOneBoundHeaderWithItsValue() throws Exception {
        String x = exchange("headers");
        String q = boundQueue(ch, x, "", table("x-match", "any", "format", "pdf", "type", "report"));
        publishWithHeaders(x, "format", table("format", "pdf"));
        publishWithHeaders(x, "type", table("type", "report", "format", "zip"));
        publishWithHeaders(x, "neither", table("format", "zip"));
        assertEquals(List.of("format", "type"), drain(ch, q));
    }

    @Test
    void headersMatchingDefaultsToAll() throws Exception {
        String x = exchange("headers");
        String q = boundQueue(ch, x, "", table("a", "1", "b", "2"));
        publishWithHeaders(x, "both", table("a", "1", "b", "2"));
        publishWithHeaders(x, "one", table("a", "1"));
        assertEquals(List.of("both"), drain(ch, q));
    }

    @Test
    void headersMatchingIgnoresTheRoutingKey() throws Exception {
        String x = exchange("headers");
        String q = boundQueue(ch, x, "some-key", table("x-match", "any", "a", "1"));
        ch.basicPublish(x, "other-key", new AMQP.BasicProperties.Builder().headers(table("a", "1")).build(),
                utf8("keyless"));
        assertEquals(List.of("keyless"), drain(ch, q));
    }

    @Test
    void headersMatchingComparesNumbersByValue() throws Exception {
        String x = exchange("headers");
        String q = boundQueue(ch, x, "", table("x-match", "all", "version", 2));
        publishWithHeaders(x, "two", table("version", 2));
        publishWithHeaders(x, "three", table("version", 3));
        assertEquals(List.of("two"), drain(ch, q));
    }

    @Test
    void xPrefixedHeadersOnlyCountForTheWithXModes() throws Exception {
        String x = exchange("headers");
        String plain = boundQueue(ch, x, "", table("x-match", "any", "x-tenant", "acme"));
        String withX = boundQueue(ch, x, "", table("x-match", "any-with-x", "x-tenant", "acme"));
        publishWithHeaders(x, "tenant", table("x-tenant", "acme"));
        assertEquals(List.of(), drain(ch, plain));
        assertEquals(List.of("tenant"), drain(ch, withX));
    }

    @Test
    void aHeadersBindingWithAnInvalidXMatchFailsWith406() throws Exception {
        String x = exchange("headers");
        String q = ch.queueDeclare().getQueue();
        AMQP.Channel.Close close = channelClose(
                () -> ch.queueBind(q, x, "", table("x-match", "some", "a", "1")));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("x-match"), close.getReplyText());
    }

    @Test
    void thePredeclaredHeadersExchangesRoute() throws Exception {
        String q1 = boundQueue(ch, "amq.headers", "", table("x-match", "all", "k", "v"));
        String q2 = boundQueue(ch, "amq.match", "", table("x-match", "all", "k", "v"));
        publishWithHeaders("amq.headers", "via amq.headers", table("k", "v"));
        publishWithHeaders("amq.match", "via amq.match", table("k", "v"));
        assertEquals(List.of("via amq.headers"), drain(ch, q1));
        assertEquals(List.of("via amq.match"), drain(ch, q2));
    }
}
