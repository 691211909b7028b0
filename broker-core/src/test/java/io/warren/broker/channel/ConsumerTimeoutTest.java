package io.warren.broker.channel;

import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.unique;
import static io.warren.broker.WireErrors.channelClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerConfig;
import io.warren.broker.Deliveries;
import io.warren.broker.RunningBroker;
import io.warren.broker.policy.PolicyFixture;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The delivery acknowledgement timeout (RabbitMQ's consumer_timeout): a channel holding a delivery unacked past its
 * queue's timeout is closed with 406 and its deliveries are requeued. The brokers here check every 100 ms, so that
 * a timeout of a second is found within a few tenths of a second of it.
 */
class ConsumerTimeoutTest {
    private static final long CHECK_MS = 100;

    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass(BrokerConfig.defaults().withConsumerTimeout(
            new ConsumerTimeoutSettings(ConsumerTimeoutSettings.DEFAULT_TIMEOUT_MILLIS, CHECK_MS)));

    final Connection conn = broker.sharedConnection();

    private static String timedOut(Channel ch, long timeoutMillis) {
        return "PRECONDITION_FAILED - delivery acknowledgement on channel " + ch.getChannelNumber() + " timed out. "
                + "Timeout value used: " + timeoutMillis + " ms. This timeout value can be configured, see consumers "
                + "doc guide to learn more";
    }

    private static AMQP.Channel.Close awaitClosed(Channel ch) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !ch.isOpen());
        return assertInstanceOf(AMQP.Channel.Close.class, ch.getCloseReason().getReason());
    }

    /** Consumes with manual acks and never acks: the channel must time out. */
    private static Deliveries holdOne(Channel ch, String queue) throws Exception {
        Deliveries held = new Deliveries(ch);
        ch.basicConsume(queue, false, held);
        publish(ch, queue, "held");
        assertEquals("held", held.next().text());
        return held;
    }

    @Test
    void aConsumerHoldingADeliveryPastTheTimeoutHasItsChannelClosed() throws Exception {
        String q = unique("ct-arg");
        Channel admin = conn.createChannel();
        admin.queueDeclare(q, false, false, false, Map.of("x-consumer-timeout", 1000));
        Channel holder = conn.createChannel();
        holdOne(holder, q);

        AMQP.Channel.Close close = awaitClosed(holder);
        assertEquals(406, close.getReplyCode());
        assertEquals(timedOut(holder, 1000), close.getReplyText());
        assertTrue(conn.isOpen(), "only the channel closes");

        // the held message went back to the queue and goes to the next consumer, marked redelivered
        Channel next = conn.createChannel();
        Deliveries d = new Deliveries(next);
        next.basicConsume(q, false, d);
        Deliveries.Delivery again = d.next();
        assertEquals("held", again.text());
        assertTrue(again.redelivered());
        next.basicAck(again.tag(), false);
        admin.queueDelete(q);
    }

    @Test
    void aDeliveryTakenWithBasicGetTimesOutToo() throws Exception {
        String q = unique("ct-get");
        Channel admin = conn.createChannel();
        admin.queueDeclare(q, false, false, false, Map.of("x-consumer-timeout", 1000));
        publish(admin, q, "got");
        Channel getter = conn.createChannel();
        assertNotNull(getter.basicGet(q, false));

        AMQP.Channel.Close close = awaitClosed(getter);
        assertEquals(406, close.getReplyCode());
        assertEquals(timedOut(getter, 1000), close.getReplyText());
        GetResponse back = admin.basicGet(q, true);
        assertNotNull(back, "the message is back in the queue");
        assertTrue(back.getEnvelope().isRedeliver());
        admin.queueDelete(q);
    }

    @Test
    void aConsumerThatAcksInTimeKeepsItsChannel() throws Exception {
        long timeout = 1500;
        String q = unique("ct-in-time");
        Channel admin = conn.createChannel();
        admin.queueDeclare(q, false, false, false, Map.of("x-consumer-timeout", timeout));
        Channel ch = conn.createChannel();
        AtomicInteger acked = new AtomicInteger();
        ch.basicConsume(q, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
                acked.incrementAndGet();
            }
        });
        // deliveries over twice the timeout, each acked at once: the timeout is per delivery, not per channel
        int messages = 8;
        for (int i = 0; i < messages; i++) {
            publish(admin, q, "m" + i);
            Thread.sleep(timeout / 4);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.get() == messages);
        // then several timeouts while it holds nothing
        Thread.sleep(3 * timeout);

        assertTrue(ch.isOpen(), () -> "closed: " + ch.getCloseReason());
        ch.basicQos(1); // a round trip: the broker still answers on it
        assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
        admin.queueDelete(q);
    }

    @Test
    void aStreamConsumerHoldingADeliveryTimesOutToo() throws Exception {
        String s = unique("ct-stream");
        Channel admin = conn.createChannel();
        admin.queueDeclare(s, true, false, false, Map.of("x-queue-type", "stream", "x-consumer-timeout", 1000));
        Channel holder = conn.createChannel();
        holder.basicQos(10); // a stream consumer must set a prefetch and ack, which gives it credit back
        holdOne(holder, s);

        assertEquals(timedOut(holder, 1000), awaitClosed(holder).getReplyText());
        admin.queueDelete(s);
    }

    @Test
    void thePolicyTimeoutApplies() throws Exception {
        String q = unique("ct-policy");
        Channel admin = conn.createChannel();
        admin.queueDeclare(q, false, false, false, null);
        PolicyFixture.set(broker, "ct-" + q, "^" + q + "$", Map.of("consumer-timeout", 1000));
        PolicyFixture.awaitApplied(broker, "/", q);
        Channel holder = conn.createChannel();
        holdOne(holder, q);

        AMQP.Channel.Close close = awaitClosed(holder);
        assertEquals(406, close.getReplyCode());
        assertEquals(timedOut(holder, 1000), close.getReplyText());
        PolicyFixture.clear(broker, "/", "ct-" + q);
        admin.queueDelete(q);
    }

    @Test
    void theLowerOfTheQueuesArgumentAndItsPolicyApplies() throws Exception {
        String q = unique("ct-lower");
        Channel admin = conn.createChannel();
        admin.queueDeclare(q, false, false, false, Map.of("x-consumer-timeout", 3_600_000));
        PolicyFixture.set(broker, "ct-" + q, "^" + q + "$", Map.of("consumer-timeout", 1000));
        PolicyFixture.awaitApplied(broker, "/", q);
        Channel holder = conn.createChannel();
        holdOne(holder, q);

        assertEquals(timedOut(holder, 1000), awaitClosed(holder).getReplyText());
        PolicyFixture.clear(broker, "/", "ct-" + q);
        admin.queueDelete(q);
    }

    @Test
    void theBrokerWideSettingApplies() throws Exception {
        try (RunningBroker strict = RunningBroker.start(BrokerConfig.defaults().withConsumerTimeout(
                new ConsumerTimeoutSettings(1000, CHECK_MS)))) {
            Connection c = strict.connect();
            Channel admin = c.createChannel();
            String q = admin.queueDeclare().getQueue();
            Channel holder = c.createChannel();
            holdOne(holder, q);

            AMQP.Channel.Close close = awaitClosed(holder);
            assertEquals(406, close.getReplyCode());
            assertEquals(timedOut(holder, 1000), close.getReplyText());
            assertTrue(admin.isOpen(), "a channel holding nothing stays open");
        }
    }

    @Test
    void aBadXConsumerTimeoutIsRefused() throws Exception {
        AMQP.Channel.Close negative = channelClose(() -> conn.createChannel().queueDeclare("ct-bad", false, false,
                false, Map.of("x-consumer-timeout", -1)));
        assertEquals(406, negative.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'ct-bad' in vhost '/': "
                + "{value_negative,-1}", negative.getReplyText());

        AMQP.Channel.Close text = channelClose(() -> conn.createChannel().queueDeclare("ct-bad", false, false,
                false, Map.of("x-consumer-timeout", "soon")));
        assertEquals(406, text.getReplyCode());
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue 'ct-bad' in vhost '/': "
                + "{unacceptable_type,longstr}; it must be an integer", text.getReplyText());
    }
}
