package io.warren.broker.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.LeakReports;
import io.warren.broker.RunningBroker;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Connection;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review finding: AmqpConnection.onChannelFrame throws CHANNEL_ERROR for a frame on channel N before the
 * connection is open without releasing the frame; a content body frame (a retained slice of the read buffer)
 * then leaks. Any unauthenticated client can do this once per connection.
 *
 * <p>Leak reports are captured by a leak detector factory installed before any ByteBuf class is loaded, so run
 * this class on its own (as with -Dtest=PreOpenFrameLeakTest).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreOpenFrameLeakTest {
    static final List<String> LEAKS = LeakReports.install();

    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static byte[] bodyFrame(int channel, int size) {
        ByteBuf buf = Unpooled.buffer();
        FrameWriter.writeBodyFrame(buf, channel, Unpooled.wrappedBuffer(new byte[size]));
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }

    private static void collectLeaks() throws InterruptedException {
        for (int i = 0; i < 20 && LEAKS.isEmpty(); i++) {
            System.gc();
            Thread.sleep(100);
            for (int j = 0; j < 100; j++) {
                ByteBufAllocator.DEFAULT.directBuffer(16).release(); // tracked allocations report queued leaks
                ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
    }

    /** Control: the same frame on a channel that is not open, after the handshake, is released (passes). */
    @Test
    @Order(1)
    void controlABodyFrameOnAnUnopenedChannelAfterHandshakeIsReleased() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
                raw.send(bodyFrame(1, 1000));
                raw.readAvailable(200);
            }
        }
        Thread.sleep(500);
        collectLeaks();
        assertEquals(List.of(), LEAKS, "ByteBuf leaks reported by Netty's leak detector");
    }

    @Test
    @Order(2)
    void aBodyFrameOnAChannelBeforeConnectionOpenIsReleased() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
                raw.send(FrameWriter.PROTOCOL_HEADER);
                raw.expect(Connection.Start.class);
                raw.send(bodyFrame(1, 1000));
                raw.readAvailable(200);
            }
        }
        Thread.sleep(500);
        collectLeaks();
        assertEquals(List.of(), LEAKS, "ByteBuf leaks reported by Netty's leak detector");
    }
}
