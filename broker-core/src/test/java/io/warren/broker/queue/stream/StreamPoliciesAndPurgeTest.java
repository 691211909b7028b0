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
import io.warren.broker.policy.PolicyFixture;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.StreamConsumerStatus;
import io.warren.broker.queue.StreamStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streams and what operators do to them: policies that change a live stream's segment size and retention, purge
 * (refused, as RabbitMQ refuses it), the filter size checked as RabbitMQ checks it, and the positions the stream
 * publishes for the management API and the metrics.
 */
class StreamPoliciesAndPurgeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Map<String, Object> from(Object offset) {
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-offset", offset);
        return args;
    }

    private static AmqpQueue queue(String name) {
        return broker.broker().vhost("/").queue(name);
    }

    @Test
    void aPolicysSegmentSizeRollsTheSegmentBeingWrittenFromTheNextPublishAndGoesWithThePolicy() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-seg-policy", Map.of());
        publish(ch, "s-seg-policy", "before", 5);
        assertEquals(1, queue("s-seg-policy").streamStatus().segments());

        PolicyFixture.set(broker, "/", "small-segments", "^s-seg-policy$", "streams", 0,
                Map.of("stream-max-segment-size-bytes", 300));
        PolicyFixture.awaitApplied(broker, "/", "s-seg-policy");
        assertEquals(1, queue("s-seg-policy").streamStatus().segments(), "nothing happens before a publish");
        publish(ch, "s-seg-policy", "after", 10);
        int withPolicy = queue("s-seg-policy").streamStatus().segments();
        assertTrue(withPolicy >= 3, "segments with a 300-byte segment size: " + withPolicy);

        PolicyFixture.clear(broker, "/", "small-segments");
        PolicyFixture.awaitApplied(broker, "/", "s-seg-policy");
        publish(ch, "s-seg-policy", "default", 10);
        assertEquals(withPolicy, queue("s-seg-policy").streamStatus().segments(),
                "back to the default size: the segment being written grows on");

        StreamClient.Recorder r = consume(c.createChannel(), "s-seg-policy", 50, null, from("first"));
        await().atMost(WAIT).until(() -> r.size() == 25);
        assertEquals(LongStream.range(0, 25).boxed().toList(), r.offsets());
        assertEquals(bodies("after", 0, 10), r.bodies().subList(5, 15));
    }

    @Test
    void aPolicysMaxAgeRemovesTheSegmentsOlderThanIt() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-age-policy", Map.of("x-stream-max-segment-size-bytes", 300));
        publish(ch, "s-age-policy", "old", 20);
        assertEquals(20, ch.queueDeclarePassive("s-age-policy").getMessageCount());
        PolicyFixture.set(broker, "/", "short-lived", "^s-age-policy$", "streams", 0, Map.of("max-age", "1s"));
        // retention looks again at once and every 10 s: the old segments go once they are a second old
        await().atMost(WAIT).until(() -> queue("s-age-policy").streamStatus().firstOffset() > 0);
        StreamStatus s = queue("s-age-policy").streamStatus();
        assertEquals(19, s.lastOffset(), "the segment being written stays");
        assertTrue(ch.queueDeclarePassive("s-age-policy").getMessageCount() < 20);
    }

    @Test
    void aPolicysMaxLengthBytesWinsOverTheStreamsOwnLimit() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-bytes-policy", Map.of("x-max-length-bytes", 100_000_000,
                "x-stream-max-segment-size-bytes", 500));
        PolicyFixture.set(broker, "/", "small-streams", "^s-bytes-policy$", "streams", 0,
                Map.of("max-length-bytes", 2_000));
        PolicyFixture.awaitApplied(broker, "/", "s-bytes-policy");
        publish(ch, "s-bytes-policy", "m", 100);
        StreamStatus s = queue("s-bytes-policy").streamStatus();
        assertTrue(s.firstOffset() > 0, "first offset " + s.firstOffset());
        assertEquals(99, s.lastOffset());
        assertTrue(queue("s-bytes-policy").readyBytesSnapshot() <= 2_000 + 500 + 200,
                "bytes kept: " + queue("s-bytes-policy").readyBytesSnapshot());
    }

    @Test
    void purgingAStreamIsRefusedAsRabbitMqRefusesItAndRemovesNothing() throws Exception {
        Channel ch = broker.connect().createChannel();
        declare(ch, "s-purge", Map.of());
        publish(ch, "s-purge", "m", 4);
        AMQP.Connection.Close close = connectionClose(() -> ch.queuePurge("s-purge"));
        assertEquals(540, close.getReplyCode());
        assertEquals("NOT_IMPLEMENTED - queue.purge not supported by stream queues queue 's-purge' in vhost '/'",
                close.getReplyText());
        assertEquals(4, broker.connect().createChannel().queueDeclarePassive("s-purge").getMessageCount());
    }

    @Test
    void theFilterSizeIsCheckedAsRabbitMqChecksIt() throws Exception {
        Channel ch = broker.connect().createChannel();
        for (int size : new int[] {15, 256}) {
            AMQP.Channel.Close close = channelClose(() -> declare(ch.getConnection().createChannel(), "s-filter-size",
                    Map.of("x-stream-filter-size-bytes", size)));
            assertEquals(406, close.getReplyCode());
            assertEquals("PRECONDITION_FAILED - Invalid value for  x-stream-filter-size-bytes", close.getReplyText());
        }
        AMQP.Channel.Close close = channelClose(() -> declare(ch.getConnection().createChannel(), "s-filter-size",
                Map.of("x-stream-filter-size-bytes", "32")));
        assertEquals("PRECONDITION_FAILED - invalid arg 'x-stream-filter-size-bytes' for queue 's-filter-size' in "
                + "vhost '/': \"expected integer, got longstr\"", close.getReplyText());
        declare(ch, "s-filter-size", Map.of("x-stream-filter-size-bytes", 16));
        declare(ch, "s-filter-size-max", Map.of("x-stream-filter-size-bytes", 255));
    }

    @Test
    void aStreamPublishesItsOffsetsAndEachConsumersPositionLagStoredOffsetAndGroup() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        declare(ch, "s-positions", Map.of());
        StreamStatus empty = queue("s-positions").streamStatus();
        assertEquals(List.of(1, 0L, -1L, -1L), List.of(empty.segments(), empty.firstOffset(), empty.lastOffset(),
                empty.committedOffset()));
        publish(ch, "s-positions", "m", 10);

        Map<String, Object> tracked = from("first");
        tracked.put("x-stream-automatic-offset-tracking", true);
        Channel slow = c.createChannel();
        slow.basicQos(3);
        StreamClient.Recorder unacked = new StreamClient.Recorder(slow, false);
        slow.basicConsume("s-positions", false, "slow", false, false, tracked, unacked);
        Map<String, Object> grouped = from("first");
        grouped.put("x-stream-consumer-group", "readers");
        StreamClient.Recorder fast = consume(c.createChannel(), "s-positions", 100, "fast", grouped);
        await().atMost(WAIT).until(() -> unacked.size() == 3 && fast.size() == 10);

        AmqpQueue q = queue("s-positions");
        await().atMost(WAIT).until(() -> q.streamStatus().committedOffset() == 9);
        StreamStatus s = q.streamStatus();
        assertEquals(0, s.firstOffset());
        assertEquals(9, s.lastOffset());
        Map<String, StreamConsumerStatus> byTag = new HashMap<>();
        s.consumers().forEach(cs -> byTag.put(cs.tag(), cs));
        assertEquals(new StreamConsumerStatus("slow", 3, 2, 0, null, 7), byTag.get("slow"));
        assertEquals(new StreamConsumerStatus("fast", 10, 9, -1, "readers", 0), byTag.get("fast"));

        // two acks: the stored offset moves past them, and the credit they free brings two more messages
        slow.basicAck(unacked.got.get(1).tag(), true);
        await().atMost(WAIT).until(() -> unacked.size() == 5);
        await().atMost(WAIT).until(() -> new StreamConsumerStatus("slow", 5, 4, 2, null, 5).equals(slowOf(q)));
    }

    private static StreamConsumerStatus slowOf(AmqpQueue q) {
        return q.streamStatus().consumers().stream().filter(cs -> cs.tag().equals("slow")).findFirst().orElse(null);
    }
}
