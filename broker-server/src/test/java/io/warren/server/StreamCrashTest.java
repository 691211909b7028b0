package io.warren.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConfirmListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream killed with SIGKILL while a publisher streams into it and a tracked consumer reads it: after the restart
 * every confirmed message is there, at the offset it had, in order, and the consumer resumes at its stored offset,
 * not before the messages it acked.
 */
class StreamCrashTest {
    private static final String STREAM = "crash-events";
    private static final String TAG = "projection-1";

    @Test
    void confirmedMessagesAndTheTrackedOffsetSurviveAKill(@TempDir Path dir) throws Exception {
        String[] flags = {"--amqp-port", "0", "--http-port", "none", "--bind", "127.0.0.1", "--data-dir",
            dir.resolve("data").toString()};
        Path log = dir.resolve("broker.log");
        NavigableSet<Long> confirmed = new ConcurrentSkipListSet<>();
        Map<Long, String> bodies = new ConcurrentHashMap<>();
        AtomicLong acked = new AtomicLong(-1);
        BrokerProcess broker = BrokerProcess.start(log, flags);
        try (Connection c = broker.connect()) {
            Channel publisher = c.createChannel();
            publisher.queueDeclare(STREAM, true, false, false, Map.of("x-queue-type", "stream"));
            publisher.confirmSelect();
            publisher.addConfirmListener(confirmsInto(confirmed));
            Channel consumer = c.createChannel();
            consumer.basicQos(50);
            consumer.basicConsume(STREAM, false, TAG, false, false, tracked(), (tag, d) -> {
                long offset = (Long) d.getProperties().getHeaders().get("x-stream-offset");
                consumer.basicAck(d.getEnvelope().getDeliveryTag(), false);
                acked.accumulateAndGet(offset, Math::max);
            }, tag -> { });
            // publish until enough is confirmed and acked, then kill mid-stream (bounded: 60 s at most)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (long n = 0; System.nanoTime() < deadline; n++) {
                String body = "event-" + n;
                bodies.put(publisher.getNextPublishSeqNo(), body);
                publisher.basicPublish("", STREAM, null, body.getBytes(StandardCharsets.UTF_8));
                if (confirmed.size() > 2_000 && acked.get() > 500) {
                    broker.kill();
                    break;
                }
            }
        } catch (Exception expected) {
            // the connection goes with the broker
        }
        assertTrue(confirmed.size() > 2_000, "too few confirms before the kill: " + confirmed.size());
        long ackedBeforeKill = acked.get();

        BrokerProcess again = BrokerProcess.start(log, flags);
        try (Connection c = again.connect()) {
            Channel ch = c.createChannel();
            ch.basicQos(500);
            Map<Long, String> readBack = new ConcurrentHashMap<>();
            ch.basicConsume(STREAM, false, Map.of("x-stream-offset", "first"), (tag, d) -> {
                readBack.put((Long) d.getProperties().getHeaders().get("x-stream-offset"),
                        new String(d.getBody(), StandardCharsets.UTF_8));
                ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
            // publish seq n (from 1) is offset n-1: one publisher, one stream, in order
            long lastConfirmed = confirmed.last();
            await().atMost(Duration.ofSeconds(60)).until(() -> readBack.size() >= lastConfirmed);
            for (long seq : confirmed) {
                assertEquals(bodies.get(seq), readBack.get(seq - 1), "offset " + (seq - 1));
            }

            Channel resumed = c.createChannel();
            resumed.basicQos(10);
            AtomicLong firstResumed = new AtomicLong(-1);
            resumed.basicConsume(STREAM, false, TAG, false, false, tracked(), (tag, d) -> {
                firstResumed.compareAndSet(-1, (Long) d.getProperties().getHeaders().get("x-stream-offset"));
            }, tag -> { });
            await().atMost(Duration.ofSeconds(60)).until(() -> firstResumed.get() >= 0);
            // the stored offset moves on acks as they are written: never past what was acked, and on from the start
            assertTrue(firstResumed.get() <= ackedBeforeKill + 1 && firstResumed.get() > 0,
                    "resumed at " + firstResumed.get() + " after acks up to " + ackedBeforeKill);
        } finally {
            again.close();
        }
    }

    private static Map<String, Object> tracked() {
        Map<String, Object> args = new HashMap<>();
        args.put("x-stream-offset", "first");
        args.put("x-stream-automatic-offset-tracking", true);
        return args;
    }

    private static ConfirmListener confirmsInto(NavigableSet<Long> confirmed) {
        return new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                if (multiple) {
                    long from = confirmed.isEmpty() ? 1 : confirmed.last() + 1;
                    for (long s = from; s <= seq; s++) {
                        confirmed.add(s);
                    }
                } else {
                    confirmed.add(seq);
                }
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                // a nacked message is not counted as confirmed
            }
        };
    }
}
