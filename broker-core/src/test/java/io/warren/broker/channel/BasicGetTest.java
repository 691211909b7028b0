package io.warren.broker.channel;

import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.publishTo;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.WireErrors.channelClose;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BasicGetTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    @Test
    void getOnAnEmptyQueueAnswersGetEmpty() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            assertNull(ch.basicGet(q, true));
            assertNull(ch.basicGet(q, false));
            assertTrue(ch.isOpen());
        }
    }

    @Test
    void getOkCarriesTheNumberOfMessagesLeftAndTheRoutingFacts() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, "amq.topic", "orders.#");
            publishTo(ch, "amq.topic", "orders.eu.created", "1", "2", "3");
            GetResponse r = ch.basicGet(q, true);
            assertEquals("1", text(r));
            assertEquals(2, r.getMessageCount());
            assertEquals("amq.topic", r.getEnvelope().getExchange());
            assertEquals("orders.eu.created", r.getEnvelope().getRoutingKey());
            assertFalse(r.getEnvelope().isRedeliver());
            assertEquals(1, ch.basicGet(q, true).getMessageCount());
            GetResponse last = ch.basicGet(q, true);
            assertEquals("3", text(last));
            assertEquals(0, last.getMessageCount());
            assertNull(ch.basicGet(q, true));
        }
    }

    @Test
    void getWithAutoAckRemovesTheMessage() throws Exception {
        String q;
        try (Channel ch = conn.createChannel()) {
            q = ch.queueDeclare().getQueue();
            publish(ch, q, "only");
            assertEquals("only", text(ch.basicGet(q, true)));
        }
        try (Channel ch = conn.createChannel()) {
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount(), "closing the channel gave nothing back");
        }
    }

    @Test
    void getWithManualAckKeepsTheMessageUntilAcked() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, "a", "b");
            GetResponse a = ch.basicGet(q, false);
            assertEquals("a", text(a));
            AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(q);
            assertEquals(1, ok.getMessageCount(), "ready count excludes the unacked one");
            ch.basicAck(a.getEnvelope().getDeliveryTag(), false);
            GetResponse b = ch.basicGet(q, false);
            assertEquals("b", text(b));
            assertEquals(a.getEnvelope().getDeliveryTag() + 1, b.getEnvelope().getDeliveryTag());
            ch.basicAck(b.getEnvelope().getDeliveryTag(), false);
            assertNull(ch.basicGet(q, false));
        }
    }

    @Test
    void anUnackedGetIsRequeuedWhenItsChannelCloses() throws Exception {
        String q;
        try (Channel ch = conn.createChannel()) {
            q = ch.queueDeclare("get-requeue-" + System.nanoTime(), false, false, true, null).getQueue();
            publish(ch, q, "first", "second");
            assertEquals("first", text(ch.basicGet(q, false)));
        }
        try (Channel ch = conn.createChannel()) {
            GetResponse r = ch.basicGet(q, true);
            assertNotNull(r);
            assertEquals("first", text(r));
            assertTrue(r.getEnvelope().isRedeliver());
            assertEquals(1, r.getMessageCount());
            GetResponse s = ch.basicGet(q, true);
            assertEquals("second", text(s));
            assertFalse(s.getEnvelope().isRedeliver());
            ch.queueDelete(q);
        }
    }

    @Test
    void rejectedGetWithRequeueComesBackRedelivered() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, "r");
            GetResponse r = ch.basicGet(q, false);
            ch.basicReject(r.getEnvelope().getDeliveryTag(), true);
            GetResponse again = ch.basicGet(q, false);
            assertEquals("r", text(again));
            assertTrue(again.getEnvelope().isRedeliver());
            assertTrue(again.getEnvelope().getDeliveryTag() > r.getEnvelope().getDeliveryTag());
            ch.basicAck(again.getEnvelope().getDeliveryTag(), false);
        }
    }

    @Test
    void getFromAMissingQueueClosesTheChannelWith404() throws Exception {
        Channel ch = conn.createChannel();
        assertEquals(404, channelClose(() -> ch.basicGet("no-such-queue", true)).getReplyCode());
    }
}
