package io.warren.broker.vhost;

import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.awaitChannelClosed;
import static io.warren.broker.WireErrors.channelClose;
import static io.warren.broker.WireErrors.connectionClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.RunningBroker;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExchangeDeclareTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.connect();
    final Channel ch = broker.channel(conn);

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void eachBuiltInTypeCanBeDeclaredAndThenFoundPassively(String type) throws Exception {
        String x = unique(type);
        assertNotNull(ch.exchangeDeclare(x, type));
        assertNotNull(ch.exchangeDeclarePassive(x));
        assertEquals(type, broker.broker().vhost("/").exchange(x).type());
    }

    @ParameterizedTest
    @ValueSource(strings = {"amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match"})
    void thePredeclaredExchangesExist(String x) throws Exception {
        assertNotNull(ch.exchangeDeclarePassive(x));
    }

    @Test
    void theDefaultExchangeRoutesByQueueName() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, null, utf8("via default"));
        GetResponse r = ch.basicGet(q, true);
        assertArrayEquals(utf8("via default"), r.getBody());
        assertEquals("", r.getEnvelope().getExchange());
    }

    @Test
    void redeclaringAPredeclaredExchangeWithItsOwnPropertiesSucceeds() throws Exception {
        assertNotNull(ch.exchangeDeclare("amq.topic", BuiltinExchangeType.TOPIC, true));
    }

    @Test
    void redeclaringAPredeclaredExchangeWithAnotherTypeFailsWith406LikeAnyOther() {
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare("amq.direct", "fanout", true));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'amq.direct' in vhost '/': "
                + "received 'fanout' but current is 'direct'", close.getReplyText());
    }

    @Test
    void redeclaringAPredeclaredExchangeAsTransientFailsWith406() {
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare("amq.fanout", "fanout", false));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("inequivalent arg 'durable'"), close.getReplyText());
    }

    @Test
    void anUnknownTypeIsReportedBeforeTheReservedPrefix() {
        AMQP.Connection.Close close = connectionClose(() -> ch.exchangeDeclare("amq.custom", "no-such-type"));
        assertEquals(503, close.getReplyCode());
    }

    @Test
    void declaringTheDefaultExchangeIsRefusedWith403() {
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare("", "direct", true));
        assertEquals(403, close.getReplyCode());
    }

    @Test
    void passivelyDeclaringTheDefaultExchangeIsRefusedWith403() {
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclarePassive(""));
        assertEquals(403, close.getReplyCode());
    }

    @Test
    void redeclaringWithADifferentUnknownArgumentSucceedsButAnotherAlternateExchangeDoesNot() throws Exception {
        String x = unique("args");
        ch.exchangeDeclare(x, "direct", false, false, java.util.Map.of("x-note", "one"));
        ch.exchangeDeclare(x, "direct", false, false, java.util.Map.of("x-note", "two"));
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare(x, "direct", false, false,
                java.util.Map.of("alternate-exchange", "elsewhere")));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("inequivalent arg 'alternate-exchange'"), close.getReplyText());
    }

    @Test
    void passivelyDeclaringAMissingExchangeFailsWith404() {
        String x = unique("missing");
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclarePassive(x));
        assertEquals(404, close.getReplyCode());
        assertEquals("NOT_FOUND - no exchange '" + x + "' in vhost '/'", close.getReplyText());
    }

    @Test
    void redeclaringWithTheSamePropertiesSucceeds() throws Exception {
        String x = unique("same");
        ch.exchangeDeclare(x, "topic", true, false, Map.of("alternate-exchange", "ae"));
        assertNotNull(ch.exchangeDeclare(x, "topic", true, false, Map.of("alternate-exchange", "ae")));
    }

    @Test
    void declaringAnExistingExchangeWithAnotherTypeFailsWith406() throws Exception {
        String x = unique("typed");
        ch.exchangeDeclare(x, "direct");
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare(x, "fanout"));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'type' for exchange '" + x
                + "' in vhost '/': received 'fanout' but current is 'direct'", close.getReplyText());
    }

    @Test
    void declaringAnExistingExchangeWithAnotherDurabilityFailsWith406() throws Exception {
        String x = unique("durable");
        ch.exchangeDeclare(x, "direct", true);
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare(x, "direct", false));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("inequivalent arg 'durable'"), close.getReplyText());
    }

    @Test
    void declaringAnExistingExchangeWithOtherArgumentsFailsWith406() throws Exception {
        String x = unique("args");
        ch.exchangeDeclare(x, "direct", false, false, Map.of("alternate-exchange", "one"));
        AMQP.Channel.Close close = channelClose(
                () -> ch.exchangeDeclare(x, "direct", false, false, Map.of("alternate-exchange", "two")));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("inequivalent arg 'alternate-exchange'"), close.getReplyText());
    }

    @Test
    void declaringAnExchangeWithTheReservedAmqPrefixFailsWith403() {
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDeclare("amq.custom", "direct"));
        assertEquals(403, close.getReplyCode());
        assertTrue(close.getReplyText().contains("amq."), close.getReplyText());
    }

    @Test
    void declaringAnExchangeOfAnUnknownTypeClosesTheConnectionWith503() {
        AMQP.Connection.Close close = connectionClose(() -> ch.exchangeDeclare(unique("odd"), "no-such-type"));
        assertEquals(503, close.getReplyCode());
        assertTrue(close.getReplyText().contains("unknown exchange type 'no-such-type'"), close.getReplyText());
        assertFalse(conn.isOpen());
    }

    @Test
    void publishingToAMissingExchangeClosesTheChannelWith404() throws Exception {
        ch.basicPublish(unique("nowhere"), "k", null, utf8("lost"));
        assertEquals(404, awaitChannelClosed(ch).getReplyCode());
    }

    @Test
    void publishingToAnInternalExchangeFailsWith403() throws Exception {
        String x = unique("internal");
        ch.exchangeDeclare(x, BuiltinExchangeType.FANOUT, false, false, true, Map.of());
        ch.basicPublish(x, "", null, utf8("nope"));
        AMQP.Channel.Close close = awaitChannelClosed(ch);
        assertEquals(403, close.getReplyCode());
        assertTrue(close.getReplyText().contains("internal exchange '" + x + "'"), close.getReplyText());
    }

    @Test
    void anInternalExchangeStillRoutesWhatAnotherExchangeForwardsToIt() throws Exception {
        String front = unique("front");
        String internal = unique("internal");
        ch.exchangeDeclare(front, "fanout");
        ch.exchangeDeclare(internal, BuiltinExchangeType.FANOUT, false, false, true, Map.of());
        ch.exchangeBind(internal, front, "");
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, internal, "");
        ch.basicPublish(front, "", null, utf8("forwarded"));
        assertArrayEquals(utf8("forwarded"), ch.basicGet(q, true).getBody());
    }

    @Test
    void anAutoDeleteExchangeIsDeletedWhenItsLastQueueBindingIsRemoved() throws Exception {
        String x = unique("auto");
        ch.exchangeDeclare(x, "direct", false, true, Map.of());
        String q1 = ch.queueDeclare().getQueue();
        String q2 = ch.queueDeclare().getQueue();
        ch.queueBind(q1, x, "a");
        ch.queueBind(q2, x, "b");
        ch.queueUnbind(q1, x, "a");
        assertNotNull(ch.exchangeDeclarePassive(x), "one binding left, the exchange stays");
        ch.queueUnbind(q2, x, "b");
        assertEquals(404, channelClose(() -> ch.exchangeDeclarePassive(x)).getReplyCode());
    }

    @Test
    void anAutoDeleteExchangeIsDeletedWhenItsOnlyBoundQueueIsDeleted() throws Exception {
        String x = unique("auto");
        ch.exchangeDeclare(x, "fanout", false, true, Map.of());
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, x, "");
        ch.queueDelete(q);
        assertEquals(404, channelClose(() -> ch.exchangeDeclarePassive(x)).getReplyCode());
    }

    @Test
    void anAutoDeleteExchangeThatNeverHadBindingsStays() throws Exception {
        String x = unique("auto");
        ch.exchangeDeclare(x, "fanout", false, true, Map.of());
        assertNotNull(ch.exchangeDeclarePassive(x));
    }

    @Test
    void deletingAnExchangeRemovesItAndItsBindings() throws Exception {
        String x = unique("gone");
        ch.exchangeDeclare(x, "fanout");
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, x, "");
        assertNotNull(ch.exchangeDelete(x));
        assertTrue(broker.broker().vhost("/").bindings().stream().noneMatch(b -> b.source().equals(x)));
        assertEquals(404, channelClose(() -> ch.exchangeDeclarePassive(x)).getReplyCode());
    }

    @Test
    void deletingAnAbsentExchangeSucceeds() throws Exception {
        assertNotNull(ch.exchangeDelete(unique("never-declared")));
        assertTrue(ch.isOpen());
    }

    @Test
    void deletingAnExchangeIfUnusedWhileItHasBindingsFailsWith406() throws Exception {
        String x = unique("used");
        ch.exchangeDeclare(x, "direct");
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, x, "k");
        AMQP.Channel.Close close = channelClose(() -> ch.exchangeDelete(x, true));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - exchange '" + x + "' in vhost '/' in use", close.getReplyText());
        assertNotNull(broker.broker().vhost("/").exchange(x));
    }

    @Test
    void deletingAnUnusedExchangeIfUnusedSucceeds() throws Exception {
        String x = unique("unused");
        ch.exchangeDeclare(x, "direct");
        assertNotNull(ch.exchangeDelete(x, true));
        assertNull(broker.broker().vhost("/").exchange(x));
    }

    @Test
    void deletingAPredeclaredExchangeIsRefusedWith403() {
        assertEquals(403, channelClose(() -> ch.exchangeDelete("amq.direct")).getReplyCode());
    }
}
