package io.warren.broker.channel;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.WireErrors.channelClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.warren.broker.RunningBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PublisherConfirmsTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();
    final Connection conn = broker.sharedConnection();

    /** Records confirms as "ack:tag:multiple" / "nack:..." in arrival order; returns as "return:body". */
    static final class Events implements ConfirmListener {
        final List<String> log = new CopyOnWriteArrayList<>();
        volatile long highestAcked;
        long covered;
        boolean gapOrOverlap;
        int nacks;

        @Override
        public synchronized void handleAck(long tag, boolean multiple) {
            log.add("ack:" + tag + ":" + multiple);
            // a single ack names the next tag; a multiple one covers everything up to its tag
            if (tag <= covered || (!multiple && tag != covered + 1)) {
                gapOrOverlap = true;
            }
            covered = tag;
            highestAcked = tag;
        }

        @Override
        public synchronized void handleNack(long tag, boolean multiple) {
            log.add("nack:" + tag + ":" + multiple);
            nacks++;
        }
    }

    @Test
    void waitForConfirmsOrDieCoversManyMessages() throws Exception {
        try (Channel ch = conn.createChannel()) {
            ch.confirmSelect();
            String q = ch.queueDeclare().getQueue();
            for (int i = 0; i < 5_000; i++) {
                ch.basicPublish("", q, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(30_000);
            assertEquals(5_000, ch.queueDeclarePassive(q).getMessageCount());
            assertEquals(5_001, ch.getNextPublishSeqNo());
        }
    }

    @Test
    void everySequenceNumberIsAckedExactlyOnceSingleOrMultiple() throws Exception {
        try (Channel ch = conn.createChannel()) {
            Events events = new Events();
            ch.addConfirmListener(events);
            ch.confirmSelect();
            String q = ch.queueDeclare().getQueue();
            int n = 2_000;
            for (int i = 0; i < n; i++) {
                ch.basicPublish("", q, null, new byte[16]);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> events.highestAcked == n);
            synchronized (events) {
                assertEquals(0, events.nacks);
                assertTrue(!events.gapOrOverlap, "acks skipped or repeated a tag: " + events.log);
                assertTrue(events.log.size() <= n);
            }
        }
    }

    @Test
    void anAckForSeveralPublishesIsSentWithMultiple() throws Exception {
        try (Channel ch = conn.createChannel()) {
            Events events = new Events();
            ch.addConfirmListener(events);
            ch.confirmSelect();
            String q = ch.queueDeclare().getQueue();
            // publishes in one transaction-free burst; whenever the broker acks several at once it must say so
            for (int i = 0; i < 500; i++) {
                ch.basicPublish("", q, null, new byte[1]);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> events.highestAcked == 500);
            synchronized (events) {
                boolean anyMultiple = events.log.stream().anyMatch(e -> e.endsWith(":true"));
                assertTrue(anyMultiple || events.log.size() == 500, events.log.toString());
                assertTrue(!events.gapOrOverlap, events.log.toString());
            }
        }
    }

    @Test
    void unroutableMessagesAreConfirmedToo() throws Exception {
        try (Channel ch = conn.createChannel()) {
            ch.confirmSelect();
            for (int i = 0; i < 10; i++) {
                ch.basicPublish("amq.direct", "nobody-listens", null, new byte[] {1});
            }
            ch.waitForConfirmsOrDie(10_000);
            assertEquals(11, ch.getNextPublishSeqNo());
        }
    }

    @Test
    void aMandatoryUnroutableMessageIsReturnedBeforeItIsAcked() throws Exception {
        try (Channel ch = conn.createChannel()) {
            Events events = new Events();
            ch.addConfirmListener(events);
            ch.addReturnListener(r -> events.log.add("return:" + text(r)));
            ch.confirmSelect();
            ch.basicPublish("amq.direct", "nobody-listens", true, null, utf8("lost"));
            ch.waitForConfirmsOrDie(10_000);
            assertEquals(List.of("return:lost", "ack:1:false"), events.log);
        }
    }

    @Test
    void confirmSelectIsIdempotentAndTheSequenceContinues() throws Exception {
        try (Channel ch = conn.createChannel()) {
            ch.confirmSelect();
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, new byte[0]);
            ch.waitForConfirmsOrDie(10_000);
            ch.confirmSelect();
            Events events = new Events();
            ch.addConfirmListener(events);
            ch.basicPublish("", q, null, new byte[0]);
            ch.waitForConfirmsOrDie(10_000);
            assertEquals(List.of("ack:2:false"), events.log);
        }
    }

    @Test
    void confirmSelectOnATransactionalChannelClosesItWith406() throws Exception {
        Channel ch = conn.createChannel();
        ch.txSelect();
        AMQP.Channel.Close close = channelClose(ch::confirmSelect);
        assertEquals(406, close.getReplyCode());
        assertEquals(85, close.getClassId());
    }
}
