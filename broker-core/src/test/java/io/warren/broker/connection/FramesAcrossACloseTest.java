package io.warren.broker.connection;

import static io.warren.broker.TestMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.GetResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RawBatch;
import io.warren.broker.RunningBroker;
import io.warren.codec.BasicProperties;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Channel;
import io.warren.codec.methods.Connection;
import io.warren.codec.methods.Queue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Frames a client sent before it heard of a close, on a channel or the connection, are dropped, as RabbitMQ does. */
class FramesAcrossACloseTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    /** A publish of "hello" to the default exchange, method, header and body. */
    private static void publish(ByteBuf wire, int channel) {
        FrameWriter.writeMethod(wire, channel, new Basic.Publish("", "nowhere", false, false));
        FrameWriter.writeContentHeader(wire, channel, 5, BasicProperties.EMPTY);
        FrameWriter.writeBodyFrame(wire, channel, Unpooled.wrappedBuffer(utf8("hello")));
    }

    private static RawAmqpClient withChannelOne() throws IOException {
        RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0);
        raw.sendMethod(1, new Channel.Open());
        raw.expect(Channel.OpenOk.class);
        return raw;
    }

    @Test
    void framesTheClientSendsAfterItsChannelCloseAreIgnoredUntilTheNumberIsOpenedAgain() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.send(RawBatch.frames(wire -> {
                FrameWriter.writeMethod(wire, 1, new Channel.Close(200, "bye", 0, 0));
                // another thread of the client, which has not read close-ok yet
                FrameWriter.writeMethod(wire, 1, new Basic.Ack(1, false));
                publish(wire, 1);
                FrameWriter.writeMethod(wire, 1, new Basic.Qos(0, 5, false));
            }));
            assertInstanceOf(Channel.CloseOk.class, raw.read().method());
            raw.sendMethod(1, new Channel.Open());
            raw.sendMethod(1, new Basic.Qos(0, 10, false));
            // nothing for the dropped frames: the reopened channel answers its own methods and nothing else
            assertInstanceOf(Channel.OpenOk.class, raw.read().method());
            assertInstanceOf(Basic.QosOk.class, raw.read().method());
            assertEquals(List.of(), raw.readAvailable(300));
        }
    }

    @Test
    void aClosedNumberThatIsNotReopenedStaysQuietAndTheConnectionServesOtherChannels() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.sendMethod(1, new Channel.Close(200, "bye", 0, 0));
            assertInstanceOf(Channel.CloseOk.class, raw.read().method());
            raw.sendMethod(1, new Basic.Ack(7, false));
            raw.sendMethod(2, new Channel.Open());
            assertEquals(2, raw.read().channel());
        }
    }

    @Test
    void whileTheBrokerClosesAChannelEveryFrameOnItButCloseOkIsDropped() throws Exception {
        try (RawAmqpClient raw = withChannelOne()) {
            raw.sendMethod(1, new Queue.Declare("no-such-queue", true, false, false, false, false, Map.of()));
            Channel.Close close = raw.expect(Channel.Close.class);
            assertEquals(404, close.replyCode());
            raw.send(RawBatch.frames(wire -> {
                // sent before the client read the broker's channel.close
                FrameWriter.writeMethod(wire, 1, new Basic.Qos(0, 5, false));
                publish(wire, 1);
                FrameWriter.writeMethod(wire, 1, new Basic.Ack(1, false));
                FrameWriter.writeMethod(wire, 1, new Channel.CloseOk());
                FrameWriter.writeMethod(wire, 1, new Basic.Ack(2, false));
                FrameWriter.writeMethod(wire, 1, new Channel.Open());
                FrameWriter.writeMethod(wire, 1, new Basic.Qos(0, 10, false));
            }));
            assertInstanceOf(Channel.OpenOk.class, raw.read().method());
            assertInstanceOf(Basic.QosOk.class, raw.read().method());
            assertEquals(List.of(), raw.readAvailable(300));
        }
    }

    @Test
    void aSecondConnectionCloseIsAnsweredWithCloseOkToo() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            raw.sendMethod(0, new Connection.Close(200, "bye", 0, 0));
            assertInstanceOf(Connection.CloseOk.class, raw.read().method());
            // a second thread of the client closes too; the broker leaves hanging up to the client
            raw.sendMethod(0, new Connection.Close(200, "bye", 0, 0));
            assertInstanceOf(Connection.CloseOk.class, raw.read().method());
        }
    }

    @Test
    void connectionClosesSentAtOnceAreEachAnsweredBeforeTheSocketCloses() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (RawAmqpClient raw = withChannelOne()) {
                raw.send(RawBatch.frames(wire -> {
                    FrameWriter.writeMethod(wire, 0, new Connection.Close(200, "bye", 0, 0));
                    FrameWriter.writeMethod(wire, 1, new Basic.Ack(1, false));
                    FrameWriter.writeMethod(wire, 0, new Connection.Close(200, "bye", 0, 0));
                }));
                assertInstanceOf(Connection.CloseOk.class, raw.read().method(), "round " + round);
                assertInstanceOf(Connection.CloseOk.class, raw.read().method(), "round " + round);
            }
        }
    }

    @Test
    void aClientThatNeverHangsUpAfterCloseOkIsHungUpOn() throws Exception {
        // with heartbeats of 1 s the broker waits that long for the client to hang up (RabbitMQ waits at most 30 s)
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 1)) {
            raw.sendMethod(0, new Connection.Close(200, "bye", 0, 0));
            assertInstanceOf(Connection.CloseOk.class, raw.read().method());
            assertTrue(raw.closedByPeer());
        }
    }

    @Test
    void acksFromAnotherThreadWhileTheChannelClosesLeaveTheConnectionOpen() throws Exception {
        com.rabbitmq.client.Connection c = broker.connect();
        com.rabbitmq.client.Channel setup = c.createChannel();
        String q = setup.queueDeclare().getQueue();
        for (int round = 0; round < 30; round++) {
            com.rabbitmq.client.Channel ch = c.createChannel();
            for (int i = 0; i < 20; i++) {
                ch.basicPublish("", q, null, utf8("m" + i));
            }
            List<Long> tags = new ArrayList<>();
            GetResponse r;
            while (tags.size() < 20 && (r = ch.basicGet(q, false)) != null) {
                tags.add(r.getEnvelope().getDeliveryTag());
            }
            CountDownLatch go = new CountDownLatch(1);
            Thread acker = new Thread(() -> {
                try {
                    go.await();
                    for (long tag : tags) {
                        ch.basicAck(tag, false);
                    }
                } catch (AlreadyClosedException | IOException | InterruptedException expected) {
                    // the channel closed under the acks: what is left is requeued
                }
            });
            acker.start();
            go.countDown();
            try {
                ch.close();
            } catch (AlreadyClosedException expected) {
                // lost the race to nothing: closed already
            }
            acker.join();
            assertTrue(c.isOpen(), "round " + round + ": " + c.getCloseReason());
        }
        setup.queuePurge(q);
        assertTrue(c.isOpen());
    }
}
