package io.warren.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.BasicProperties;
import io.warren.codec.Method;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Confirm;
import io.warren.codec.methods.Exchange;
import io.warren.codec.methods.Queue;
import io.warren.codec.methods.Tx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that send well-formed but arbitrary sequences of methods, over few names so that they collide with
 * each other's state. Whatever they send, the broker answers with protocol errors, never an internal error,
 * and keeps serving everyone else.
 */
class RandomClientTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static final int CHANNELS = 6;
    private static final String[] QUEUES = {"q1", "q2", "", "amq.gen-x"};
    private static final String[] EXCHANGES = {"", "x1", "x2", "amq.direct", "amq.fanout", "amq.topic", "amq.headers"};
    private static final String[] TYPES = {"direct", "fanout", "topic", "headers", "bogus"};
    private static final String[] KEYS = {"", "q1", "q2", "a.b", "#", "*.b"};
    private static final String[] TAGS = {"", "c1", "c2"};

    @Test
    void arbitraryMethodSequencesNeverCauseAnInternalError() throws Exception {
        List<String> problems = new ArrayList<>();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
                for (int ch = 1; ch <= CHANNELS; ch++) {
                    raw.sendMethod(ch, new io.warren.codec.methods.Channel.Open());
                }
                // a little shared state for the random methods to work on
                raw.sendMethod(1, new Queue.Declare("q1", false, false, false, false, true, Map.of()));
                raw.sendMethod(1, new Queue.Declare("q2", false, false, false, false, true, Map.of()));
                for (int i = 0; i < 3; i++) {
                    raw.sendMethod(1, new Basic.Publish("", "q1", false, false));
                    raw.send(content(random, 1));
                }
                for (int step = 0; step < 60; step++) {
                    // spread over several channels, so one channel error does not end the sequence
                    int ch = 1 + random.nextInt(CHANNELS);
                    Method m = randomMethod(random);
                    raw.sendMethod(ch, m);
                    if (m instanceof Basic.Publish) {
                        raw.send(content(random, ch));
                    }
                }
                for (RawAmqpClient.RawFrame f : raw.readAvailable(150)) {
                    Method m = f.method();
                    if (m != null) {
                        seen.add(m.name());
                    }
                    if (m instanceof io.warren.codec.methods.Channel.Close ch) {
                        seen.add("channel.close " + ch.replyCode());
                    }
                    if (m instanceof io.warren.codec.methods.Connection.Close c && c.replyCode() == 541
                            || m instanceof io.warren.codec.methods.Channel.Close ch && ch.replyCode() == 541) {
                        problems.add("seed " + seed + ": " + m);
                    }
                }
            } catch (IOException e) {
                // the broker may hang up mid-sequence after a connection error: that is fine
            }
        }
        if (!problems.isEmpty()) {
            fail("internal errors: " + problems);
        }
        // the sequences must reach real states, not just fail at the first step
        for (String expected : new String[] {"queue.declare-ok", "exchange.declare-ok", "basic.consume-ok",
                "basic.get-ok", "channel.close 404", "channel.close 406"}) {
            assertTrue(seen.contains(expected), expected + " never happened; saw " + seen);
        }
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, new byte[] {1, 2, 3});
            assertEquals(3, ch.basicGet(q, true).getBody().length, "the broker still serves");
        }
        assertTrue(broker.broker().connections().size() <= 1, "hung-up clients leave no connections behind");
    }

    private static byte[] content(Random random, int channel) {
        int size = random.nextInt(3) == 0 ? 0 : random.nextInt(300);
        ByteBuf buf = Unpooled.buffer();
        BasicProperties props = random.nextBoolean() ? BasicProperties.EMPTY
                : BasicProperties.EMPTY.withHeaders(Map.of("CC", List.of(pick(random, KEYS)), "x", 1));
        FrameWriter.writeContentHeader(buf, channel, size, props);
        if (size > 0) {
            buf.writeByte(FrameWriter.FRAME_BODY).writeShort(channel).writeInt(size).writeZero(size)
                    .writeByte(FrameWriter.FRAME_END);
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static Method randomMethod(Random r) {
        Map<String, Object> args = r.nextInt(4) == 0 ? Map.of("alternate-exchange", "x2") : Map.of();
        switch (r.nextInt(22)) {
            case 0: return new Exchange.Declare(pick(r, EXCHANGES), pick(r, TYPES), r.nextInt(4) == 0,
                    r.nextBoolean(), r.nextInt(4) == 0, r.nextInt(6) == 0, r.nextInt(4) == 0, args);
            case 1: return new Exchange.Delete(pick(r, EXCHANGES), r.nextBoolean(), r.nextInt(4) == 0);
            case 2: return new Exchange.Bind(pick(r, EXCHANGES), pick(r, EXCHANGES), pick(r, KEYS),
                    r.nextInt(4) == 0, Map.of());
            case 3: return new Exchange.Unbind(pick(r, EXCHANGES), pick(r, EXCHANGES), pick(r, KEYS),
                    r.nextInt(4) == 0, Map.of());
            case 4: return new Queue.Declare(pick(r, QUEUES), r.nextInt(4) == 0, r.nextBoolean(),
                    r.nextInt(3) == 0, r.nextInt(3) == 0, r.nextInt(4) == 0, Map.of());
            case 5: return new Queue.Bind(pick(r, QUEUES), pick(r, EXCHANGES), pick(r, KEYS), r.nextInt(4) == 0,
                    r.nextInt(5) == 0 ? Map.of("x-match", "any", "k", 1) : Map.of());
            case 6: return new Queue.Unbind(pick(r, QUEUES), pick(r, EXCHANGES), pick(r, KEYS), Map.of());
            case 7: return new Queue.Purge(pick(r, QUEUES), r.nextInt(4) == 0);
            case 8: return new Queue.Delete(pick(r, QUEUES), r.nextBoolean(), r.nextBoolean(), r.nextInt(4) == 0);
            case 9: return new Basic.Qos(0, r.nextInt(4), r.nextBoolean());
            case 10: return new Basic.Consume(r.nextInt(5) == 0 ? "amq.rabbitmq.reply-to" : pick(r, QUEUES),
                    pick(r, TAGS), false, r.nextBoolean(), r.nextInt(4) == 0, r.nextInt(4) == 0, Map.of());
            case 11: return new Basic.Cancel(pick(r, TAGS), r.nextInt(4) == 0);
            case 12: case 13: case 14: return new Basic.Publish(pick(r, EXCHANGES), pick(r, KEYS),
                    r.nextBoolean(), false);
            case 15: return new Basic.Get(pick(r, QUEUES), r.nextBoolean());
            case 16: return new Basic.Ack(r.nextInt(6), r.nextBoolean());
            case 17: return r.nextBoolean() ? new Basic.Nack(r.nextInt(6), r.nextBoolean(), r.nextBoolean())
                    : new Basic.Reject(r.nextInt(6), r.nextBoolean());
            case 18: return new Basic.Recover(true);
            case 19: return r.nextBoolean() ? new Tx.Select() : new Confirm.Select(r.nextBoolean());
            case 20: return r.nextBoolean() ? new Tx.Commit() : new Tx.Rollback();
            default: return new io.warren.codec.methods.Channel.Flow(true);
        }
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }

}
