package io.warren.broker.queue.stream;

import static io.warren.broker.WireErrors.channelClose;
import static io.warren.broker.WireErrors.connectionClose;
import static io.warren.broker.queue.stream.StreamClient.bodies;
import static io.warren.broker.queue.stream.StreamClient.consume;
import static io.warren.broker.queue.stream.StreamClient.declare;
import static io.warren.broker.queue.stream.StreamClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.broker.RunningBroker;
import io.warren.broker.queue.AmqpQueue;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams over AMQP 0-9-1, through the RabbitMQ Java client, as RabbitMQ's and LavinMQ's streams behave. */
class StreamQueueTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Map<String, Object> from(Object offset) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-offset", offset);
        return args;
    }

    @Test
    void confirmedMessagesReachAConsumerFromFirstInOrderWithTheirOffsets() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-order", Map.of());
        publish(ch, "s-order", "m", 50);
        StreamClient.Recorder r = consume(c.createChannel(), "s-order", 10, null, from("first"));
        await().atMost(WAIT).until(() -> r.size() == 50);
        assertEquals(bodies("m", 0, 50), r.bodies());
        assertEquals(LongStream.range(0, 50).boxed().toList(), r.offsets());
        assertEquals(50, ch.queueDeclarePassive("s-order").getMessageCount());
    }

    @Test
    void consumersFromFirstAndNextReadIndependently() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-two", Map.of());
        publish(ch, "s-two", "old", 5);
        StreamClient.Recorder first = consume(c.createChannel(), "s-two", 3, null, from("first"));
        StreamClient.Recorder next = consume(c.createChannel(), "s-two", 3, null, from("next"));
        await().atMost(WAIT).until(() -> first.size() == 5);
        publish(ch, "s-two", "new", 4);
        await().atMost(WAIT).until(() -> first.size() == 9 && next.size() == 4);
        assertEquals(bodies("new", 0, 4), next.bodies());
        assertEquals(List.of(5L, 6L, 7L, 8L), next.offsets());
        assertEquals(9, first.bodies().size());
    }

    @Test
    void aConsumerStartsAtAnOffsetNumberATimestampOrTheLastN() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-where", Map.of());
        publish(ch, "s-where", "a", 10);
        Thread.sleep(1100); // a timestamp offset has one-second resolution on the wire
        Date later = new Date();
        publish(ch, "s-where", "b", 5);

        StreamClient.Recorder byNumber = consume(c.createChannel(), "s-where", 20, null, from(7L));
        await().atMost(WAIT).until(() -> byNumber.size() == 8);
        assertEquals(7L, byNumber.offsets().get(0));

        StreamClient.Recorder byTime = consume(c.createChannel(), "s-where", 20, null, from(later));
        await().atMost(WAIT).until(() -> byTime.size() == 5);
        assertEquals(bodies("b", 0, 5), byTime.bodies());

        StreamClient.Recorder lastThree = consume(c.createChannel(), "s-where", 20, null, from(-3L));
        await().atMost(WAIT).until(() -> lastThree.size() == 3);
        assertEquals(List.of(12L, 13L, 14L), lastThree.offsets());

        StreamClient.Recorder last = consume(c.createChannel(), "s-where", 20, null, from("last"));
        await().atMost(WAIT).until(() -> last.size() == 1);
        assertEquals(List.of(14L), last.offsets());
    }

    @Test
    void acksTakeNothingAwayAndAPrefetchBoundsWhatIsOutstanding() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-acks", Map.of());
        publish(ch, "s-acks", "m", 20);
        Channel noAcks = c.createChannel();
        noAcks.basicQos(4);
        StreamClient.Recorder stuck = new StreamClient.Recorder(noAcks, false);
        noAcks.basicConsume("s-acks", false, "", false, false, from("first"), stuck);
        StreamClient.Recorder acking = consume(c.createChannel(), "s-acks", 4, null, from("first"));
        await().atMost(WAIT).until(() -> acking.size() == 20);
        // the consumer that acks nothing has its prefetch's worth, and the other was not held back by it
        assertEquals(4, stuck.size());
        StreamClient.Recorder again = consume(c.createChannel(), "s-acks", 4, null, from("first"));
        await().atMost(WAIT).until(() -> again.size() == 20);
        assertEquals(bodies("m", 0, 20), again.bodies());
        assertEquals(20, ch.queueDeclarePassive("s-acks").getMessageCount());
        // a nack with requeue only gives credit back: the next messages come, the nacked ones do not return
        noAcks.basicNack(0, true, true);
        await().atMost(WAIT).until(() -> stuck.size() == 8);
        assertEquals(LongStream.range(0, 8).boxed().toList(), stuck.offsets());
    }

    @Test
    void basicGetNoAckGlobalQosAndAMissingPrefetchAreRefusedWithRabbitMqsCodes() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-refuse", Map.of());
        assertEquals(540, connectionClose(() -> broker.connect().createChannel().basicGet("s-refuse", false))
                .getReplyCode());
        Channel noAck = broker.connect().createChannel();
        noAck.basicQos(10);
        assertEquals(540, connectionClose(() -> noAck.basicConsume("s-refuse", true, new StreamClient.Recorder(
                noAck, false))).getReplyCode());
        Channel global = broker.connect().createChannel();
        global.basicQos(10, false);
        global.basicQos(10, true);
        assertEquals(540, connectionClose(() -> global.basicConsume("s-refuse", false, new StreamClient.Recorder(
                global, false))).getReplyCode());
        Channel noPrefetch = broker.connect().createChannel();
        AMQP.Channel.Close close = channelClose(() -> noPrefetch.basicConsume("s-refuse", false,
                new StreamClient.Recorder(noPrefetch, false)));
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains("consumer prefetch count is not set"), close.getReplyText());
    }

    @Test
    void aStreamMustBeDurableAndNotExclusiveNorAutoDelete() throws Exception {
        Map<String, Object> stream = Map.of("x-queue-type", "stream");
        AMQP.Channel.Close transientOne = channelClose(() -> broker.connect().createChannel()
                .queueDeclare("s-bad", false, false, false, stream));
        assertEquals(406, transientOne.getReplyCode());
        assertTrue(transientOne.getReplyText().contains("invalid property 'non-durable'"),
                transientOne.getReplyText());
        AMQP.Channel.Close exclusive = channelClose(() -> broker.connect().createChannel()
                .queueDeclare("s-bad", true, true, false, stream));
        assertEquals(406, exclusive.getReplyCode());
        AMQP.Channel.Close ttl = channelClose(() -> broker.connect().createChannel()
                .queueDeclare("s-bad", true, false, false, Map.of("x-queue-type", "stream", "x-message-ttl", 10)));
        assertEquals(406, ttl.getReplyCode());
        assertTrue(ttl.getReplyText().contains("invalid arg 'x-message-ttl'"), ttl.getReplyText());
    }

    @Test
    void aFilteredConsumerGetsOnlyTheMessagesWithItsValues() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-filter", Map.of());
        publish(ch, "s-filter", "red", 3, new AMQP.BasicProperties.Builder()
                .headers(Map.of("x-stream-filter-value", "red")).build());
        publish(ch, "s-filter", "blue", 3, new AMQP.BasicProperties.Builder()
                .headers(Map.of("x-stream-filter-value", "blue")).build());
        publish(ch, "s-filter", "plain", 2);
        Map<String, Object> args = from("first");
        args.put("x-stream-filter", "blue");
        StreamClient.Recorder blue = consume(c.createChannel(), "s-filter", 2, null, args);
        StreamClient.Recorder all = consume(c.createChannel(), "s-filter", 2, null, from("first"));
        await().atMost(WAIT).until(() -> all.size() == 8);
        await().atMost(WAIT).until(() -> blue.size() == 3);
        assertEquals(bodies("blue", 0, 3), blue.bodies());
        assertEquals(List.of(3L, 4L, 5L), blue.offsets());
    }

    @Test
    void automaticOffsetTrackingResumesAfterTheLastAckedMessage() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-track", Map.of());
        publish(ch, "s-track", "m", 10);
        Map<String, Object> tracked = new HashMap<>();
        tracked.put("x-stream-offset", null);
        Connection first = broker.connect();
        StreamClient.Recorder r1 = consume(first.createChannel(), "s-track", 5, "reader-1", tracked);
        await().atMost(WAIT).until(() -> r1.size() == 10);
        first.close();
        publish(ch, "s-track", "later", 3);
        StreamClient.Recorder r2 = consume(broker.connect().createChannel(), "s-track", 5, "reader-1", tracked);
        await().atMost(WAIT).until(() -> r2.size() == 3);
        assertEquals(bodies("later", 0, 3), r2.bodies());
    }

    @Test
    void theQueueShowsAsAStreamWithItsMessageCount() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-status", Map.of());
        publish(ch, "s-status", "m", 7);
        AmqpQueue q = broker.broker().vhost("/").queue("s-status");
        assertEquals("stream", q.type().toString());
        await().atMost(WAIT).until(() -> q.readyCountSnapshot() == 7);
        assertTrue(q.readyBytesSnapshot() > 0);
    }
    @Test
    void oneConsumerOfAGroupReceivesAndTheNextResumesWhereItStopped() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-group", Map.of());
        publish(ch, "s-group", "m", 10);
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-offset", null);
        args.put("x-stream-consumer-group", "g");
        Channel first = c.createChannel();
        StreamClient.Recorder a = consume(first, "s-group", 20, "a", args);
        StreamClient.Recorder b = consume(c.createChannel(), "s-group", 20, "b", args);
        await().atMost(WAIT).until(() -> a.size() == 10);
        assertEquals(0, b.size());
        first.close();
        publish(ch, "s-group", "later", 3);
        await().atMost(WAIT).until(() -> b.size() == 3);
        assertEquals(bodies("later", 0, 3), b.bodies());
    }
    @Test
    void aDeletedStreamCancelsItsConsumersAndADeclareAfterwardsStartsEmpty() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-gone", Map.of());
        publish(ch, "s-gone", "m", 5);
        Channel consuming = c.createChannel();
        consuming.basicQos(10);
        AtomicBoolean cancelled = new AtomicBoolean();
        consuming.basicConsume("s-gone", false, from("first"),
                (tag, d) -> consuming.basicAck(d.getEnvelope().getDeliveryTag(), false), tag -> cancelled.set(true));
        ch.queueDelete("s-gone");
        await().atMost(WAIT).untilTrue(cancelled);
        declare(ch, "s-gone", Map.of());
        assertEquals(0, ch.queueDeclarePassive("s-gone").getMessageCount());
        publish(ch, "s-gone", "new", 2);
        StreamClient.Recorder r = consume(c.createChannel(), "s-gone", 10, null, from("first"));
        await().atMost(WAIT).until(() -> r.size() == 2);
        assertEquals(List.of(0L, 1L), r.offsets());
        assertEquals(bodies("new", 0, 2), r.bodies());
    }
    @Test
    void aTrackedConsumerThatNackedWithRequeueGetsThatMessageAgainWhenItComesBack() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-nack", Map.of());
        publish(ch, "s-nack", "m", 10);
        Map<String, Object> args = from("first");
        args.put("x-stream-automatic-offset-tracking", true);
        Connection first = broker.connect();
        Channel consuming = first.createChannel();
        consuming.basicQos(20);
        StreamClient.Recorder r1 = new StreamClient.Recorder(consuming, false);
        consuming.basicConsume("s-nack", false, "nacker", false, false, args, r1);
        await().atMost(WAIT).until(() -> r1.size() == 10);
        for (StreamClient.Got g : List.copyOf(r1.got)) {
            if (g.offset() == 6) {
                consuming.basicNack(g.tag(), false, true);
            } else {
                consuming.basicAck(g.tag(), false);
            }
        }
        Thread.sleep(300); // nothing is delivered again within the subscription, as in RabbitMQ
        assertEquals(10, r1.size());
        first.close();
        StreamClient.Recorder r2 = consume(broker.connect().createChannel(), "s-nack", 20, "nacker", args);
        await().atMost(WAIT).until(() -> r2.size() == 4);
        assertEquals(List.of(6L, 7L, 8L, 9L), r2.offsets());
    }
}
