package io.warren.broker.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.LeakReports;
import io.warren.broker.RawBatch;
import io.warren.broker.RunningBroker;
import io.warren.codec.BasicProperties;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Channel;
import io.warren.codec.methods.Queue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Content frames dropped because their channel is closing or closed are released: each is a retained slice of the
 * read buffer. Leak reports are captured by a leak detector factory installed before any ByteBuf class is loaded,
 * so this class runs in a JVM of its own (broker-core's leak-tests execution).
 */
class ClosedChannelFrameLeakTest {
    static final List<String> LEAKS = LeakReports.install();

    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static void bodies(ByteBuf wire, int count) {
        for (int i = 0; i < count; i++) {
            FrameWriter.writeBodyFrame(wire, 1, Unpooled.wrappedBuffer(new byte[1000]));
        }
    }

    private static RawAmqpClient withChannelOne() throws Exception {
        RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0);
        raw.sendMethod(1, new Channel.Open());
        raw.expect(Channel.OpenOk.class);
        return raw;
    }

    /** Reopens channel 1 and waits for its open-ok, by when every frame before has been handled. */
    private static void reopen(RawAmqpClient raw) throws Exception {
        raw.sendMethod(1, new Channel.Open());
        raw.expect(Channel.OpenOk.class);
    }

    private static void assertNoLeaks() throws InterruptedException {
        for (int i = 0; i < 20 && LEAKS.isEmpty(); i++) {
            System.gc();
            Thread.sleep(100);
            for (int j = 0; j < 100; j++) {
                ByteBufAllocator.DEFAULT.directBuffer(16).release(); // tracked allocations report queued leaks
                ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        assertEquals(List.of(), LEAKS, "ByteBuf leaks reported by Netty's leak detector");
    }

    @Test
    void contentOnAChannelTheBrokerIsClosingIsReleased() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (RawAmqpClient raw = withChannelOne()) {
                raw.sendMethod(1, new Queue.Declare("no-such-queue", true, false, false, false, false, Map.of()));
                assertEquals(404, raw.expect(Channel.Close.class).replyCode());
                raw.send(RawBatch.frames(wire -> {
                    FrameWriter.writeMethod(wire, 1, new Basic.Publish("", "nowhere", false, false));
                    FrameWriter.writeContentHeader(wire, 1, 3000, BasicProperties.EMPTY);
                    bodies(wire, 3);
                    FrameWriter.writeMethod(wire, 1, new Channel.CloseOk());
                }));
                reopen(raw);
            }
        }
        assertNoLeaks();
    }

    @Test
    void theRestOfAMessageRefusedHalfWayIsReleased() throws Exception {
        long tooLarge = broker.broker().config().maxMessageSize() + 1;
        for (int round = 0; round < 20; round++) {
            try (RawAmqpClient raw = withChannelOne()) {
                raw.send(RawBatch.frames(wire -> {
                    FrameWriter.writeMethod(wire, 1, new Basic.Publish("", "nowhere", false, false));
                    FrameWriter.writeContentHeader(wire, 1, tooLarge, BasicProperties.EMPTY);
                    bodies(wire, 3);
                }));
                assertEquals(406, raw.expect(Channel.Close.class).replyCode());
                raw.send(RawBatch.frames(wire -> {
                    bodies(wire, 2);
                    FrameWriter.writeMethod(wire, 1, new Channel.CloseOk());
                }));
                reopen(raw);
            }
        }
        assertNoLeaks();
    }

    @Test
    void contentSentAfterTheClientsOwnChannelCloseIsReleased() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (RawAmqpClient raw = withChannelOne()) {
                raw.send(RawBatch.frames(wire -> {
                    FrameWriter.writeMethod(wire, 1, new Channel.Close(200, "bye", 0, 0));
                    FrameWriter.writeMethod(wire, 1, new Basic.Publish("", "nowhere", false, false));
                    FrameWriter.writeContentHeader(wire, 1, 3000, BasicProperties.EMPTY);
                    bodies(wire, 3);
                }));
                assertInstanceOf(Channel.CloseOk.class, raw.read().method());
                reopen(raw);
            }
        }
        assertNoLeaks();
    }
}
