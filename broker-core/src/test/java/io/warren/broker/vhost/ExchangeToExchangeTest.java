package io.warren.broker.vhost;

import static io.warren.broker.TestMessages.boundQueue;
import static io.warren.broker.TestMessages.get;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import io.warren.broker.RunningBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exchange-to-exchange bindings and alternate exchanges. */
class ExchangeToExchangeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Channel ch = broker.channel();

    @Test
    void aMessagePublishedToTheSourceReachesQueuesBoundToTheDestination() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "direct");
        ch.exchangeDeclare(destination, "fanout");
        ch.exchangeBind(destination, source, "orders");
        String q = boundQueue(ch, destination, "");
        ch.basicPublish(source, "orders", null, utf8("through"));
        ch.basicPublish(source, "invoices", null, utf8("filtered out by the source"));
        assertEquals("through", get(ch, q));
        assertNull(get(ch, q));
    }

    @Test
    void theDestinationAppliesItsOwnRoutingToTheOriginalKey() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "fanout");
        ch.exchangeDeclare(destination, "topic");
        ch.exchangeBind(destination, source, "");
        String eu = boundQueue(ch, destination, "eu.*");
        String us = boundQueue(ch, destination, "us.*");
        ch.basicPublish(source, "eu.paris", null, utf8("bonjour"));
        assertEquals("bonjour", get(ch, eu));
        assertNull(get(ch, us));
    }

    @Test
    void aQueueReachedThroughTwoPathsGetsTheMessageOnce() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "fanout");
        ch.exchangeDeclare(destination, "fanout");
        ch.exchangeBind(destination, source, "");
        String q = boundQueue(ch, source, "");
        ch.queueBind(q, destination, "");
        ch.basicPublish(source, "", null, utf8("once"));
        assertEquals("once", get(ch, q));
        assertNull(get(ch, q));
    }

    @Test
    void unbindingExchangesStopsTheFlow() throws Exception {
        String source = unique("src");
        String destination = unique("dst");
        ch.exchangeDeclare(source, "direct");
        ch.exchangeDeclare(destination, "direct");
        ch.exchangeBind(destination, source, "k");
        String q = boundQueue(ch, destination, "k");
        ch.exchangeUnbind(destination, source, "k");
        ch.basicPublish(source, "k", null, utf8("stopped"));
        ch.basicPublish(destination, "k", null, utf8("direct"));
        assertEquals("direct", get(ch, q));
        assertNull(get(ch, q));
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
        String qa = boundQueue(ch, a, "");
        String qc = boundQueue(ch, c, "");
        ch.basicPublish(b, "", null, utf8("round"));
        ch.basicPublish(a, "", null, utf8("again"));
        assertEquals(List.of("round", "again"), List.of(get(ch, qa), get(ch, qa)));
        assertEquals(List.of("round", "again"), List.of(get(ch, qc), get(ch, qc)));
        assertNull(get(ch, qa));
        assertNull(get(ch, qc));
    }

    @Test
    void unbindingExchangesThatDoNotExistSucceeds() throws Exception {
        String existing = unique("src");
        ch.exchangeDeclare(existing, "fanout");
        assertTrue(ch.exchangeUnbind(unique("missing"), existing, "k") != null);
        assertTrue(ch.exchangeUnbind(existing, unique("missing"), "k") != null);
        assertTrue(ch.exchangeUnbind(existing, "amq.fanout", "never-bound") != null);
        assertTrue(ch.isOpen());
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
        String routed = boundQueue(ch, main, "known");
        String caught = boundQueue(ch, ae, "");
        ch.basicPublish(main, "known", null, utf8("routed"));
        ch.basicPublish(main, "unknown", null, utf8("unroutable"));
        assertEquals("routed", get(ch, routed));
        assertNull(get(ch, routed));
        GetResponse r = ch.basicGet(caught, true);
        assertEquals("unroutable", text(r));
        assertEquals(main, r.getEnvelope().getExchange());
        assertEquals("unknown", r.getEnvelope().getRoutingKey());
        assertNull(get(ch, caught));
    }

    @Test
    void aMandatoryMessageTakenByTheAlternateExchangeIsNotReturned() throws Exception {
        String ae = unique("ae");
        String main = unique("main");
        ch.exchangeDeclare(ae, "fanout");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", ae));
        String caught = boundQueue(ch, ae, "");
        List<Return> returns = new CopyOnWriteArrayList<>();
        ch.addReturnListener(returns::add);
        ch.confirmSelect();
        ch.basicPublish(main, "nobody", true, null, utf8("caught"));
        ch.waitForConfirmsOrDie(10_000);
        assertEquals(List.of(), returns);
        assertEquals("caught", get(ch, caught));
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
        ch.basicPublish(main, "nobody", true, null, utf8("lost"));
        ch.waitForConfirmsOrDie(10_000);
        assertEquals(1, returns.size());
        assertEquals(312, returns.get(0).getReplyCode());
        assertEquals("lost", text(returns.get(0)));
    }

    @Test
    void aMissingAlternateExchangeIsIgnored() throws Exception {
        String main = unique("main");
        ch.exchangeDeclare(main, "direct", false, false, Map.of("alternate-exchange", unique("never-declared")));
        ch.basicPublish(main, "nobody", null, utf8("dropped"));
        String q = boundQueue(ch, main, "k");
        ch.basicPublish(main, "k", null, utf8("kept"));
        assertEquals("kept", get(ch, q));
        assertTrue(ch.isOpen());
    }
}
