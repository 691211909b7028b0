package io.warren.broker.channel;

import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import io.warren.broker.RunningBroker;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TransactionTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    @Test
    void publishesAreInvisibleUntilCommit() throws Exception {
        try (Channel tx = conn.createChannel(); Channel observer = conn.createChannel()) {
            String q = observer.queueDeclare().getQueue();
            tx.txSelect();
            publish(tx, q, "1", "2", "3");
            assertEquals(0, ready(tx, q), "the publishing channel sees nothing yet either");
            assertEquals(0, ready(observer, q));
            tx.txCommit();
            assertEquals(3, ready(observer, q));
            assertEquals("1", text(observer.basicGet(q, true)));
            assertEquals("2", text(observer.basicGet(q, true)));
            assertEquals("3", text(observer.basicGet(q, true)));
        }
    }

    @Test
    void rollbackDiscardsPublishesAndTheChannelStaysTransactional() throws Exception {
        try (Channel tx = conn.createChannel()) {
            String q = tx.queueDeclare().getQueue();
            tx.txSelect();
            publish(tx, q, "discarded-1", "discarded-2");
            tx.txRollback();
            assertEquals(0, ready(tx, q));
            publish(tx, q, "kept");
            assertEquals(0, ready(tx, q));
            tx.txCommit();
            assertEquals(1, ready(tx, q));
            assertEquals("kept", text(tx.basicGet(q, true)));
        }
    }

    @Test
    void acksInsideATransactionApplyOnlyOnCommit() throws Exception {
        Channel observer = conn.createChannel();
        String q = observer.queueDeclare("tx-acks-" + System.nanoTime(), false, false, false, null).getQueue();
        publish(observer, q, "a", "b");
        Channel tx = conn.createChannel();
        tx.txSelect();
        long ta = tx.basicGet(q, false).getEnvelope().getDeliveryTag();
        long tb = tx.basicGet(q, false).getEnvelope().getDeliveryTag();
        tx.basicAck(ta, false);
        tx.txCommit();
        tx.basicAck(tb, false); // not committed
        tx.close(); // closing requeues what is still unacked: b only
        assertEquals(1, ready(observer, q));
        GetResponse b = observer.basicGet(q, true);
        assertEquals("b", text(b));
        assertTrue(b.getEnvelope().isRedeliver());
        observer.queueDelete(q);
        observer.close();
    }

    @Test
    void rollbackKeepsAckedMessagesUnacked() throws Exception {
        Channel observer = conn.createChannel();
        String q = observer.queueDeclare("tx-rollback-" + System.nanoTime(), false, false, false, null).getQueue();
        publish(observer, q, "a", "b");
        Channel tx = conn.createChannel();
        tx.txSelect();
        long ta = tx.basicGet(q, false).getEnvelope().getDeliveryTag();
        long tb = tx.basicGet(q, false).getEnvelope().getDeliveryTag();
        tx.basicAck(tb, true);
        tx.txRollback();
        // the tags are still outstanding: acking them again is legal, and this time it is committed
        tx.basicAck(ta, false);
        tx.txCommit();
        tx.close();
        assertEquals(1, ready(observer, q));
        assertEquals("b", text(observer.basicGet(q, true)));
        observer.queueDelete(q);
        observer.close();
    }

    @Test
    void rejectsWithRequeueInsideATransactionApplyOnCommit() throws Exception {
        try (Channel tx = conn.createChannel()) {
            String q = tx.queueDeclare().getQueue();
            publish(tx, q, "r");
            tx.txSelect();
            tx.txCommit();
            GetResponse r = tx.basicGet(q, false);
            tx.basicReject(r.getEnvelope().getDeliveryTag(), true);
            assertEquals(0, ready(tx, q));
            tx.txCommit();
            assertEquals(1, ready(tx, q));
            GetResponse again = tx.basicGet(q, true);
            assertEquals("r", text(again));
            assertTrue(again.getEnvelope().isRedeliver());
        }
    }

    @Test
    void mandatoryUnroutablePublishesAreReturnedAtCommit() throws Exception {
        try (Channel tx = conn.createChannel()) {
            BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
            tx.addReturnListener(returns::add);
            tx.txSelect();
            tx.basicPublish("amq.direct", "nobody", true, null, utf8("nowhere"));
            tx.txCommit();
            Return r = returns.poll(10, TimeUnit.SECONDS);
            assertNotNull(r);
            assertEquals(312, r.getReplyCode());
            assertEquals("nowhere", text(r));
        }
    }

    @Test
    void anAckOfAnUnknownTagInsideATransactionFailsAtOnceWith406() throws Exception {
        Channel ch = conn.createChannel();
        ch.txSelect();
        AMQP.Channel.Close close = channelClose(() -> {
            ch.basicAck(42, false);
            ch.queueDeclare(); // before any commit
        });
        assertEquals(406, close.getReplyCode());
        assertEquals(80, close.getMethodId());
    }

    @Test
    void ackingTheSameTagTwiceInOneTransactionFailsAtTheSecondAck() throws Exception {
        Channel ch = conn.createChannel();
        String q = ch.queueDeclare().getQueue();
        publish(ch, q, "once");
        GetResponse r = ch.basicGet(q, false);
        ch.txSelect();
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        AMQP.Channel.Close close = channelClose(() -> {
            ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
            ch.txCommit();
        });
        assertEquals(406, close.getReplyCode());
        assertEquals(80, close.getMethodId(), "the second basic.ack is at fault, not the commit");
        try (Channel observer = conn.createChannel()) {
            assertEquals("once", text(observer.basicGet(q, true)), "nothing was committed: the message is back");
        }
    }

    @Test
    void rolledBackAcksLeaveTheMessagesUnackedAndAckableAgain() throws Exception {
        try (Channel ch = conn.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            publish(ch, q, "a", "b");
            GetResponse a = ch.basicGet(q, false);
            GetResponse b = ch.basicGet(q, false);
            ch.txSelect();
            ch.basicAck(b.getEnvelope().getDeliveryTag(), true);
            ch.txRollback();
            ch.basicAck(a.getEnvelope().getDeliveryTag(), false);
            ch.basicAck(b.getEnvelope().getDeliveryTag(), false);
            ch.txCommit();
            assertEquals(0, ready(ch, q));
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
        }
    }

    @Test
    void commitWithoutSelectClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(ch::txCommit);
        assertEquals(406, close.getReplyCode());
        assertEquals(90, close.getClassId());
        assertEquals(20, close.getMethodId());
    }

    @Test
    void rollbackWithoutSelectClosesTheChannelWith406() throws Exception {
        Channel ch = conn.createChannel();
        AMQP.Channel.Close close = channelClose(ch::txRollback);
        assertEquals(406, close.getReplyCode());
        assertEquals(30, close.getMethodId());
    }

    @Test
    void txSelectOnAConfirmChannelClosesItWith406() throws Exception {
        Channel ch = conn.createChannel();
        ch.confirmSelect();
        AMQP.Channel.Close close = channelClose(ch::txSelect);
        assertEquals(406, close.getReplyCode());
        assertEquals(90, close.getClassId());
        assertEquals(10, close.getMethodId());
    }
}
