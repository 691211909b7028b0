package io.warren.broker.connection;

import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RawBatch;
import io.warren.broker.RunningBroker;
import io.warren.codec.BasicProperties;
import io.warren.codec.LongString;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Channel;
import io.warren.codec.methods.Confirm;
import io.warren.codec.methods.Connection;
import io.warren.codec.methods.Queue;
import java.io.IOException;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Frames of the right shape in the wrong place are 505 UNEXPECTED_FRAME, in RabbitMQ's words. */
class UnexpectedFrameTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    /** A content header whose property flags announce a content-type longer than the frame. */
    private static byte[] headerWithMalformedProperties(int channel) {
        ByteBuf properties = Unpooled.buffer().writeShort(0x8000).writeByte(50);
        return RawBatch.frames(wire -> FrameWriter.writeContentHeader(wire, channel, 60, 1, properties));
    }

    private static RawAmqpClient withChannelOne() throws IOException {
        RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0);
        raw.sendMethod(1, new Channel.Open());
        raw.expect(Channel.OpenOk.class);
        return raw;
    }

    @Test
    void aHeartbeatOnAChannelOtherThanZeroIsAnUnexpectedFrame() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.send(new byte[] {FrameWriter.FRAME_HEARTBEAT, 0, 1, 0, 0, 0, 0, (byte) FrameWriter.FRAME_END});
            Connection.Close close = raw.expect(Connection.Close.class);
            assertEquals(505, close.replyCode());
            assertTrue(close.replyText().startsWith("UNEXPECTED_FRAME - heartbeat frame on channel 1"),
                    close.replyText());
        }
    }

    @Test
    void aContentHeaderWhereAMethodIsExpectedIsAnUnexpectedFrameWhateverItsProperties() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.send(headerWithMalformedProperties(1));
            Connection.Close close = raw.expect(Connection.Close.class);
            assertEquals(505, close.replyCode());
            assertEquals("UNEXPECTED_FRAME - expected method frame, got non method frame instead", close.replyText());
        }
    }

    @Test
    void aContentBodyWhereAMethodIsExpectedIsAnUnexpectedFrame() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.send(RawBatch.frames(wire -> FrameWriter.writeBodyFrame(wire, 1, Unpooled.wrappedBuffer(utf8("x")))));
            Connection.Close close = raw.expect(Connection.Close.class);
            assertEquals(505, close.replyCode());
            assertEquals("UNEXPECTED_FRAME - expected method frame, got non method frame instead", close.replyText());
        }
    }

    @Test
    void aMalformedPropertyListInAHeaderThatIsExpectedIsASyntaxError() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.sendMethod(1, new Basic.Publish("", "nowhere", false, false));
            raw.send(headerWithMalformedProperties(1));
            Connection.Close close = raw.expect(Connection.Close.class);
            assertEquals(502, close.replyCode());
            assertTrue(close.replyText().startsWith("SYNTAX_ERROR - "), close.replyText());
        }
    }

    @Test
    void aContentHeaderOfAnotherClassThanThePublishIsAnUnexpectedFrameAndNothingIsRouted() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.sendMethod(1, new Queue.Declare("wrong-class", false, false, false, false, false, Map.of()));
            raw.expect(Queue.DeclareOk.class);
            raw.sendMethod(1, new Confirm.Select(false));
            raw.expect(Confirm.SelectOk.class);
            raw.send(RawBatch.frames(wire -> {
                FrameWriter.writeMethod(wire, 1, new Basic.Publish("", "wrong-class", false, false));
                ByteBuf properties = Unpooled.buffer();
                BasicProperties.EMPTY.encode(properties);
                FrameWriter.writeContentHeader(wire, 1, 50, 1, properties);
                FrameWriter.writeBodyFrame(wire, 1, Unpooled.wrappedBuffer(utf8("x")));
            }));
            List<RawAmqpClient.RawFrame> answer = raw.readAvailable(2_000);
            assertEquals(1, answer.size(), "only connection.close, no confirm: " + answer);
            Connection.Close close = assertInstanceOf(Connection.Close.class, answer.get(0).method());
            assertEquals(505, close.replyCode());
            assertEquals("UNEXPECTED_FRAME - expected content header for class 60, got one for class 50 instead",
                    close.replyText());
        }
        try (com.rabbitmq.client.Connection c = broker.connect()) {
            assertEquals(0, c.createChannel().queueDeclarePassive("wrong-class").getMessageCount());
        }
    }

    @Test
    void aMethodWhereTheContentBodyIsExpectedIsAnUnexpectedFrame() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.send(RawBatch.frames(wire -> {
                FrameWriter.writeMethod(wire, 1, new Basic.Publish("", "nowhere", false, false));
                FrameWriter.writeContentHeader(wire, 1, 5, BasicProperties.EMPTY);
                FrameWriter.writeMethod(wire, 1, new Basic.Qos(0, 1, false));
            }));
            Connection.Close close = raw.expect(Connection.Close.class);
            assertEquals(505, close.replyCode());
            assertEquals("UNEXPECTED_FRAME - expected content body, got non content body frame instead",
                    close.replyText());
        }
    }

    @Test
    void untilTuneOkAFrameLargerThan4096BytesIsRefused() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.send(FrameWriter.PROTOCOL_HEADER);
            raw.expect(Connection.Start.class);
            raw.sendMethod(0, startOkWithPadding(5000));
            // before login the broker says nothing about why, as RabbitMQ; it hangs up on the rest of the frame
            List<RawAmqpClient.RawFrame> answer;
            try {
                answer = raw.readAvailable(2_000);
            } catch (SocketException reset) {
                answer = List.of();
            }
            assertEquals(List.of(), answer);
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void untilTuneOkAFrameWithin4096BytesIsAccepted() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.send(FrameWriter.PROTOCOL_HEADER);
            raw.expect(Connection.Start.class);
            raw.sendMethod(0, startOkWithPadding(3500));
            raw.expect(Connection.Tune.class);
        }
    }

    private static Connection.StartOk startOkWithPadding(int bytes) {
        return new Connection.StartOk(Map.of("padding", LongString.of("x".repeat(bytes))), "PLAIN",
                LongString.of("\0guest\0guest"), "en_US");
    }
}
