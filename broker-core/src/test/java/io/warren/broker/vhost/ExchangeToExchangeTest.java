package io.warren.broker.vhost;

import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import io.warren.broker.RunningBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exchange-to-exchange bindings and alternate exchanges. */
class ExchangeToExchangeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Channel ch = broker.channel();

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String queueBoundTo(String exchange, String key) throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, exchange, key);
        return q;
    }

    private String body(String queue) throws Exception {
        GetResponse r = ch.basicGet(queue, true);
        return r == null ? null : new String(r.getBody(), StandardCharsets.UTF_8);
    }

    @Test
    void aMessagePublishedToTheSourceReachesQueuesBoundToTheDestination() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "direct");
        ch.exchangeDeclare(destination, "fanout");
        ch.exchangeBind(destination, source, "orders");
        String q = queueBoundTo(destination, "");
        ch.basicPublish(source, "orders", null, bytes("through"));
        ch.basicPublish(source, "invoices", null, bytes("filtered out by the source"));
        assertEquals("through", body(q));
        assertNull(body(q));
    }

    @Test
    void theDestinationAppliesItsOwnRoutingToTheOriginalKey() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "fanout");
        ch.exchangeDeclare(destination, "topic");
        ch.exchangeBind(destination, source, "");
        String eu = queueBoundTo(destination, "eu.*");
        String us = queueBoundTo(destination, "us.*");
        ch.basicPublish(source, "eu.paris", null, bytes("bonjour"));
        assertEquals("bonjour", body(eu));
        assertNull(body(us));
    }

    @Test
    void aQueueReachedThroughTwoPathsGetsTheMessageOnce() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "fanout");
        ch.exchangeDeclare(destination, "fanout");
        ch.exchangeBind(destination, source, "");
        String q = queueBoundTo(source, "");
        ch.queueBind(q, destination, "");
        ch.basicPublish(source, "", null, bytes("once"));
        assertEquals("once", body(q));
        assertNull(body(q));
    }

    @Test
    void unbindingExchangesStopsTheFlow() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "direct");
        ch.exchangeDeclare(destination, "direct");
        ch.exchangeBind(destination, source, "k");
        String q = queueBoundTo(destination, "k");
        ch.exchangeUnbind(destination, source, "k");
        ch.basicPublish(source, "k", null, bytes("stopped"));
        ch.basicPublish(destination, "k", null, bytes("direct"));
        assertEquals("direct", body(q));
        assertNull(body(q));
    }

    @Test
    void aCycleOfExchangeBindingsDeliversEachMessageOnceAndEnds() throws Exception {
        String a = unique("a");
        String b = unique("b");
        String c = unique("c");
        ch.exchangeDeclare(a, "fanout");
        ch.exchangeDeclare(b, "fanout");
        ch.exchangeDeclare(c, "fanout");
        ch.exchangeBind(b, a, "");
        ch.exchangeBind(c, b, "");
        ch.exchangeBind(a, c, "");
        String qa = queueBoundTo(a, "");
        String qc = queueBoundTo(c, "");
        ch.basicPublish(b, "", null, bytes("round"));
        ch.basicPublish(a, "", null, bytes("again"));
        assertEquals(List.of("round", "again"), List.of(body(qa), body(qa)));
        assertEquals(List.of("round", "again"), List.of(body(qc), body(qc)));
        assertNull(body(qa));
        assertNull(body(qc));
    }

    @Test
    void bindingFromAMissingExchangeFailsWith404() throws Exception {
        String destination = unique("dst");
        ch.exchangeDeclare(destination, "fanout");
        assertEquals(404, channelClose(() -> ch.exchangeBind(destination, unique("missing"), "")).getReplyCode());
    }

    @Test
    void bindingToAMissingExchangeFailsWith404() throws Exception {
        String source = unique("src");
        ch.exchangeDeclare(source, "fanout");
        assertEquals(404, channelClose(() -> ch.exchangeBind(unique("missing"), source, "")).getReplyCode());
    }

    @Test
    void bindingTheDefaultExchangeAsADestinationIsRefusedWith403() {
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeBind("", "amq.fanout", ""));
        assertEquals(403, close.getReplyCode());
        assertTrue(close.getReplyText().contains("default exchange"), close.getReplyText());
    }

    @Test
    void bindingFromTheDefaultExchangeIsRefusedWith403() {
        assertEquals(403, channelClose(() -> ch.exchangeBind("amq.fanout", "", "")).getReplyCode());
    }

    @Test
    void deletingTheDestinationExchangeRemovesTheBindingToIt() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "fanout");
        ch.exchangeDeclare(destination, "fanout");
        ch.exchangeBind(destination, source, "");
        ch.exchangeDelete(destination);
        assertTrue(broker.broker().vhost("/").bindings().stream().noneMatch(b -> b.source().equals(source)));
    }

    @Test
    void anAutoDeleteSourceGoesWhenItsLastExchangeBindingIsRemoved() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "fanout", false, true, Map.of());
        ch.exchangeDeclare(destination, "fanout");
        ch.exchangeBind(destination, source, "");
        ch.exchangeUnbind(destination, source, "");
        assertEquals(404, channelClose(() -> ch.exchangeDeclarePassive(source)).getReplyCode());
    }

    @Test
    void anUnroutableMessageGoesToTheAlternateExchange() throws Exception {
        String ae = unique("ae");
        String main = unique("main");
        ch.exchangeDeclare(ae, "fanout");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", ae));
        String routed = queueBoundTo(main, "known");
        String caught = queueBoundTo(ae, "");
        ch.basicPublish(main, "known", null, bytes("routed"));
        ch.basicPublish(main, "unknown", null, bytes("unroutable"));
        assertEquals("routed", body(routed));
        assertNull(body(routed));
        GetResponse r = ch.basicGet(caught, true);
        assertEquals("unroutable", new String(r.getBody(), StandardCharsets.UTF_8));
        assertEquals(main, r.getEnvelope().getExchange());
        assertEquals("unknown", r.getEnvelope().getRoutingKey());
        assertNull(body(caught));
    }

    @Test
    void aMandatoryMessageTakenByTheAlternateExchangeIsNotReturned() throws Exception {
        String ae = unique("ae");
        String main = unique("main");
        ch.exchangeDeclare(ae, "fanout");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", ae));
        String caught = queueBoundTo(ae, "");
        List<Return> returns = new CopyOnWriteArrayList<>();
        ch.addReturnListener(returns::add);
        ch.confirmSelect();
        ch.basicPublish(main, "nobody", true, null, bytes("caught"));
        ch.waitForConfirmsOrDie(10_000);
        assertEquals(List.of(), returns);
        assertEquals("caught", body(caught));
    }

    @Test
    void aMandatoryMessageNobodyTakesIsReturnedWith312() throws Exception {
        String ae = unique("ae-without-queues");
        String main = unique("main");
        ch.exchangeDeclare(ae, "fanout");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", ae));
        List<Return> returns = new CopyOnWriteArrayList<>();
        ch.addReturnListener(returns::add);
        ch.confirmSelect();
        ch.basicPublish(main, "nobody", true, null, bytes("lost"));
        ch.waitForConfirmsOrDie(10_000);
        assertEquals(1, returns.size());
        assertEquals(312, returns.get(0).getReplyCode());
        assertEquals("lost", new String(returns.get(0).getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void aMissingAlternateExchangeIsIgnored() throws Exception {
        String main = unique("main");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", unique("never-declared")));
        ch.basicPublish(main, "nobody", null, bytes("dropped"));
        String q = queueBoundTo(main, "k");
        ch.basicPublish(main, "k", null, bytes("kept"));
        assertEquals("kept", body(q));
        assertTrue(ch.isOpen());
    }
}
