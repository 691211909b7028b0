package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.broker.RunningBroker;
import io.warren.broker.vhost.VirtualHost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** queue.declare: naming, passive, exclusive, auto-delete, equivalence and the counts in declare-ok. */
class QueueDeclareTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.connect();
    final Connection other = broker.connect();
    final Channel ch = broker.channel(conn);

    static VirtualHost vhost() {
        return broker.broker().vhost("/");
    }

    private static void awaitGone(String queue) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> vhost().queue(queue) == null);
    }

    @Test
    void aQueueDeclaredWithoutANameGetsAServerGeneratedOne() throws Exception {
        AMQP.Queue.DeclareOk ok = ch.queueDeclare();
        assertTrue(ok.getQueue().startsWith("amq.gen-"), ok.getQueue());
        assertNotEquals(ok.getQueue(), ch.queueDeclare().getQueue());
        assertEquals(0, ok.getMessageCount());
        assertEquals(0, ok.getConsumerCount());
    }

    @Test
    void declareOkCountsReadyMessagesAndConsumers() throws Exception {
        String q = unique("counted");
        ch.queueDeclare(q, false, false, false, null);
        publish(ch, q, numbered("m", 3));
        Channel consumerChannel = other.createChannel();
        consumerChannel.basicQos(1);
        AtomicInteger delivered = new AtomicInteger();
        consumerChannel.basicConsume(q, false, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) {
                delivered.incrementAndGet();
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> delivered.get() == 1);
        AMQP.Queue.DeclareOk ok = ch.queueDeclare(q, false, false, false, null);
        assertEquals(q, ok.getQueue());
        assertEquals(2, ok.getMessageCount(), "the unacknowledged message is not counted");
        assertEquals(1, ok.getConsumerCount());
        AMQP.Queue.DeclareOk passive = ch.queueDeclarePassive(q);
        assertEquals(2, passive.getMessageCount());
        assertEquals(1, passive.getConsumerCount());
    }

    @Test
    void aConsumerOfAQueueWithWaitingMessagesGetsConsumeOkBeforeItsFirstDelivery() throws Exception {
        String q = unique("waiting");
        ch.queueDeclare(q, false, false, false, null);
        publish(ch, q, numbered("m", 5));
        List<String> events = new CopyOnWriteArrayList<>();
        Channel consumerChannel = other.createChannel();
        consumerChannel.basicConsume(q, true, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleConsumeOk(String tag) {
                events.add("consume-ok");
            }

            @Override
            public void handleDelivery(String tag, Envelope e, AMQP.BasicProperties p, byte[] body) {
                events.add(new String(body, StandardCharsets.UTF_8));
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 6 || !other.isOpen());
        assertEquals(List.of("consume-ok", "m0", "m1", "m2", "m3", "m4"), events);
        assertTrue(other.isOpen());
    }

    @Test
    void aPassiveDeclareCountsAsUseOfAQueueWithExpires() throws Exception {
        String q = unique("expires");
        ch.queueDeclare(q, false, false, false, Map.of("x-expires", 2_000));
        // 3 s of passive declares 200 ms apart: without them the queue would have expired after 2 s
        for (int i = 0; i < 15; i++) {
            Thread.sleep(200);
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
        }
        assertNotNull(vhost().queue(q), "kept alive by the passive declares");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> vhost().queue(q) == null);
    }

    @Test
    void passivelyDeclaringAMissingQueueFailsWith404() {
        String q = unique("missing");
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclarePassive(q));
        assertEquals(404, close.getReplyCode());
        assertEquals("NOT_FOUND - no queue '" + q + "' in vhost '/'", close.getReplyText());
    }

    @Test
    void declaringAQueueWithTheReservedAmqPrefixFailsWith403() {
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare("amq.mine", false, false, false, null));
        assertEquals(403, close.getReplyCode());
        assertTrue(close.getReplyText().contains("reserved prefix 'amq.*'"), close.getReplyText());
    }

    @Test
    void redeclaringWithTheSamePropertiesSucceeds() throws Exception {
        String q = unique("same");
        Map<String, Object> args = Map.of("x-max-length", 10);
        ch.queueDeclare(q, true, false, false, args);
        assertEquals(q, ch.queueDeclare(q, true, false, false, Map.of("x-max-length", 10L)).getQueue());
    }

    @Test
    void redeclaringWithAnotherDurabilityFailsWith406() throws Exception {
        String q = unique("durable");
        ch.queueDeclare(q, false, false, false, null);
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare(q, true, false, false, null));
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'durable' for queue '" + q
                + "' in vhost '/': received 'true' but current is 'false'", close.getReplyText());
    }

    @Test
    void redeclaringWithAnotherArgumentFailsWith406() throws Exception {
        String q = unique("args");
        ch.queueDeclare(q, false, false, false, Map.of("x-max-length", 10));
        AMQP.Channel.Close close = channelClose(
                () -> ch.queueDeclare(q, false, false, false, Map.of("x-max-length", 20)));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("inequivalent arg 'x-max-length'"), close.getReplyText());
    }

    @Test
    void redeclaringWithADifferentUnknownArgumentSucceedsAsInRabbitMq() throws Exception {
        String q = unique("custom-args");
        ch.queueDeclare(q, false, false, false, Map.of("x-app-note", "first"));
        ch.queueDeclare(q, false, false, false, Map.of("x-app-note", "second"));
        assertEquals(q, ch.queueDeclarePassive(q).getQueue());
    }

    @Test
    void redeclaringAServerNamedQueueByNameFailsWith403() throws Exception {
        String q = ch.queueDeclare().getQueue();
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare(q, false, true, true, null));
        assertEquals(403, close.getReplyCode());
        assertTrue(close.getReplyText().contains("reserved prefix 'amq.*'"), close.getReplyText());
    }

    @Test
    void redeclaringWithAnotherAutoDeleteFailsWith406() throws Exception {
        String q = unique("auto");
        ch.queueDeclare(q, false, false, false, null);
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare(q, false, false, true, null));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("inequivalent arg 'auto_delete'"), close.getReplyText());
    }

    // ---- exclusive ----

    @Test
    void anotherConnectionDeclaringAnExclusiveQueueFailsWith405() throws Exception {
        String q = unique("mine");
        ch.queueDeclare(q, false, true, false, null);
        Channel theirs = other.createChannel();
        AMQP.Channel.Close close = channelClose(() -> theirs.queueDeclare(q, false, true, false, null));
        assertEquals(405, close.getReplyCode());
        assertTrue(close.getReplyText().startsWith("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '"
                + q + "'"), close.getReplyText());
    }

    @Test
    void anotherConnectionUsingAnExclusiveQueueFailsWith405() throws Exception {
        String q = ch.queueDeclare().getQueue();
        assertEquals(405, channelClose(() -> other.createChannel().queueDeclarePassive(q)).getReplyCode());
        assertEquals(405, channelClose(() -> other.createChannel().basicGet(q, true)).getReplyCode());
        assertEquals(405, channelClose(() -> other.createChannel().queuePurge(q)).getReplyCode());
        assertEquals(405, channelClose(() -> other.createChannel().queueBind(q, "amq.fanout", "")).getReplyCode());
        assertEquals(405, channelClose(() -> other.createChannel().queueDelete(q)).getReplyCode());
        Channel theirs = other.createChannel();
        assertEquals(405, channelClose(() -> theirs.basicConsume(q, true, new DefaultConsumer(theirs))).getReplyCode());
        assertNotNull(vhost().queue(q));
    }

    @Test
    void redeclaringOnesOwnExclusiveQueueAsNonExclusiveFailsWith405() throws Exception {
        String q = unique("mine");
        ch.queueDeclare(q, false, true, false, null);
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare(q, false, false, false, null));
        assertEquals(405, close.getReplyCode());
        assertTrue(close.getReplyText().contains("exclusive property value does not match"), close.getReplyText());
    }

    @Test
    void redeclaringASharedQueueAsExclusiveFailsWith405() throws Exception {
        String q = unique("shared");
        ch.queueDeclare(q, false, false, false, null);
        AMQP.Channel.Close close = channelClose(() -> ch.queueDeclare(q, false, true, false, null));
        assertEquals(405, close.getReplyCode());
        assertNotNull(vhost().queue(q));
    }

    @Test
    void anotherChannelOfTheOwningConnectionMayUseAnExclusiveQueue() throws Exception {
        String q = ch.queueDeclare().getQueue();
        Channel second = conn.createChannel();
        second.basicPublish("", q, null, utf8("hi"));
        assertEquals("hi", text(second.basicGet(q, true)));
    }

    @Test
    void anExclusiveQueueIsDeletedWhenItsConnectionCloses() throws Exception {
        String q = ch.queueDeclare().getQueue();
        publish(ch, q, numbered("m", 2));
        conn.close();
        awaitGone(q);
        Channel theirs = other.createChannel();
        assertEquals(404, channelClose(() -> theirs.queueDeclarePassive(q)).getReplyCode());
    }

    @Test
    void anExclusiveQueueDeletedByItsOwnerCanBeDeclaredAgainByAnotherConnection() throws Exception {
        String q = unique("handover");
        ch.queueDeclare(q, false, true, false, null);
        ch.queueDelete(q);
        assertEquals(q, other.createChannel().queueDeclare(q, false, true, false, null).getQueue());
    }

    // ---- auto-delete ----

    @Test
    void anAutoDeleteQueueIsDeletedWhenItsLastConsumerCancels() throws Exception {
        String q = unique("auto");
        ch.queueDeclare(q, false, false, true, null);
        String first = ch.basicConsume(q, true, new DefaultConsumer(ch));
        String second = ch.basicConsume(q, true, new DefaultConsumer(ch));
        ch.basicCancel(first);
        assertEquals(1, ch.queueDeclarePassive(q).getConsumerCount(), "one consumer left, the queue stays");
        ch.basicCancel(second);
        awaitGone(q);
        assertEquals(404, channelClose(() -> ch.queueDeclarePassive(q)).getReplyCode());
    }

    @Test
    void anAutoDeleteQueueIsDeletedWhenItsConsumersChannelCloses() throws Exception {
        String q = unique("auto");
        ch.queueDeclare(q, false, false, true, null);
        Channel consumer = other.createChannel();
        consumer.basicConsume(q, true, new DefaultConsumer(consumer));
        consumer.close();
        awaitGone(q);
    }

    @Test
    void anAutoDeleteQueueThatNeverHadAConsumerStays() throws Exception {
        String q = unique("auto");
        ch.queueDeclare(q, false, false, true, null);
        publish(ch, q, numbered("m", 1));
        assertEquals(1, ch.queueDeclarePassive(q).getMessageCount());
    }

    @Test
    void deletingAnAutoDeleteQueueRemovesItsBindings() throws Exception {
        String q = unique("auto");
        ch.queueDeclare(q, false, false, true, null);
        ch.queueBind(q, "amq.topic", "auto.#");
        String tag = ch.basicConsume(q, true, new DefaultConsumer(ch));
        ch.basicCancel(tag);
        awaitGone(q);
        assertNull(vhost().bindings().stream().filter(b -> b.destination().name().equals(q)).findAny()
                .orElse(null));
    }
}
