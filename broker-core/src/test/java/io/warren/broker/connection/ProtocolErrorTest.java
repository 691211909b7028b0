package io.warren.broker.connection;

import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RunningBroker;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Connection.Close;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed input closes the offending connection cleanly and nothing else. */
class ProtocolErrorTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.release();
        return b;
    }

    @Test
    void aFrameLargerThanFrameMaxClosesTheConnectionWith501() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(4096, 0)) {
            ByteBuf frame = Unpooled.buffer();
            frame.writeByte(FrameWriter.FRAME_METHOD).writeShort(1).writeInt(10_000);
            raw.send(bytes(frame));
            Close close = raw.expect(Close.class);
            assertEquals(501, close.replyCode());
            assertTrue(close.replyText().contains("frame_max"), close.replyText());
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void aBadFrameEndClosesTheConnectionWith501() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            ByteBuf frame = Unpooled.buffer();
            FrameWriter.writeMethod(frame, 1, new io.warren.codec.methods.Channel.Open());
            frame.setByte(frame.writerIndex() - 1, 0x00);
            raw.send(bytes(frame));
            assertEquals(501, raw.expect(Close.class).replyCode());
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void aMethodOnAChannelThatWasNeverOpenedClosesTheConnectionWith504() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            raw.sendMethod(5, new Basic.Qos(0, 10, false));
            Close close = raw.expect(Close.class);
            assertEquals(504, close.replyCode());
            assertEquals(Basic.Qos.CLASS_ID, close.failingClassId());
        }
    }

    @Test
    void openingAChannelTwiceClosesTheConnectionWith504() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            assertEquals(504, raw.expect(Close.class).replyCode());
        }
    }

    @Test
    void aContentHeaderWithoutAPublishClosesTheConnectionWith505() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
            ByteBuf frame = Unpooled.buffer();
            FrameWriter.writeContentHeader(frame, 1, 5, io.warren.codec.BasicProperties.EMPTY);
            raw.send(bytes(frame));
            assertEquals(505, raw.expect(Close.class).replyCode());
        }
    }

    @Test
    void aMethodInsteadOfTheExpectedContentClosesTheConnectionWith505() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
            raw.sendMethod(1, new Basic.Publish("", "q", false, false));
            raw.sendMethod(1, new Basic.Qos(0, 1, false));
            assertEquals(505, raw.expect(Close.class).replyCode());
        }
    }

    @Test
    void aChannelNumberAboveChannelMaxIsRefused() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            raw.sendMethod(3000, new io.warren.codec.methods.Channel.Open());
            Close close = raw.expect(Close.class);
            assertEquals(530, close.replyCode());
        }
    }

    @Test
    void garbageAfterTheHandshakeClosesOnlyThatConnection() throws Exception {
        try (Connection good = broker.connect(); Channel ch = good.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, utf8("before"));
            Random random = new Random(42);
            for (int round = 0; round < 30; round++) {
                try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
                    byte[] garbage = new byte[1 + random.nextInt(2000)];
                    random.nextBytes(garbage);
                    raw.send(garbage);
                    assertTrue(raw.closedByPeer(), "round " + round);
                } catch (IOException expected) {
                    // the broker may reset the socket while we are still writing
                }
            }
            ch.basicPublish("", q, null, utf8("after"));
            GetResponse first = ch.basicGet(q, true);
            GetResponse second = ch.basicGet(q, true);
            assertNotNull(first);
            assertNotNull(second);
            assertArrayEquals(utf8("before"), first.getBody());
            assertArrayEquals(utf8("after"), second.getBody());
        }
    }

    @Test
    void truncatedFramesThenHangingUpLeavesTheBrokerServing() throws Exception {
        for (int cut = 1; cut < 20; cut++) {
            try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
                ByteBuf frame = Unpooled.buffer();
                FrameWriter.writeMethod(frame, 1, new io.warren.codec.methods.Channel.Open());
                byte[] all = bytes(frame);
                raw.send(java.util.Arrays.copyOf(all, Math.min(cut, all.length - 1)));
            }
        }
        try (Connection c = broker.connect(); Channel ch = c.createChannel()) {
            assertTrue(ch.queueDeclare().getQueue().startsWith("amq.gen-"));
        }
    }
}
