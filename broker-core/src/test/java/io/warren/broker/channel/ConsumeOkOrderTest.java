package io.warren.broker.channel;

import static io.warren.broker.TestMessages.numbered;
import static io.warren.broker.TestMessages.publish;
import static io.warren.broker.TestMessages.ready;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.rabbitmq.client.Channel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RunningBroker;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.queue.AmqpQueue;
import io.warren.codec.Method;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review finding: when a queue lives on the same event loop as the consuming connection, a delivery can be
 * written before basic.consume-ok. AmqpChannel.consume adds the consumer in a queue task and defers the drain
 * to the reply, but any other queue task that runs between the add and the reply (here: removeConsumer of
 * another consumer, which drains) delivers to the new consumer, and ChannelConsumers.deliver writes inline
 * because it is on the connection's loop. The RabbitMQ Java client treats such a delivery as unsolicited.
 */
class ConsumeOkOrderTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static byte[] methods(Object... channelAndMethod) {
        ByteBuf buf = Unpooled.buffer();
        for (int i = 0; i < channelAndMethod.length; i += 2) {
            FrameWriter.writeMethod(buf, (Integer) channelAndMethod[i], (Method) channelAndMethod[i + 1]);
        }
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    @Test
    void consumeOkPrecedesTheFirstDeliveryWhenQueueSharesTheConnectionsLoop() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            List<AmqpConnection> conns = new ArrayList<>(broker.broker().connections());
            assertEquals(1, conns.size(), "only the raw connection exists yet");
            AmqpConnection rawConn = conns.get(0);

            Channel admin = broker.channel();
            String q = null;
            for (int i = 0; i < 256 && q == null; i++) {
                String name = "review-order-" + i;
                admin.queueDeclare(name, false, false, false, null);
                AmqpQueue mq = broker.broker().vhost("/").queue(name);
                if (mq.loop() == rawConn.executor()) {
                    q = name;
                }
            }
            assertNotNull(q, "no queue landed on the raw connection's loop");
            publish(admin, q, numbered(1, 5));
            String queue = q;
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(admin, queue) == 5);

            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
            raw.sendMethod(2, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
            raw.sendMethod(1, new Basic.Qos(0, 1, false));
            raw.expect(Basic.QosOk.class);
            raw.sendMethod(1, new Basic.Consume(q, "X", false, false, false, false, Map.of()));
            raw.expect(Basic.ConsumeOk.class);
            raw.expect(Basic.Deliver.class); // X holds one unacked message; four stay ready

            // one TCP write: channel 2 subscribes, channel 1 cancels X (whose removal makes the queue drain)
            raw.send(methods(2, new Basic.Consume(q, "Y", false, true, false, false, Map.of()),
                    1, new Basic.Cancel("X", false)));

            Method firstOnChannel2 = null;
            while (firstOnChannel2 == null) {
                RawAmqpClient.RawFrame f = raw.read();
                if (f.channel() == 2 && f.method() != null) {
                    firstOnChannel2 = f.method();
                }
            }
            assertInstanceOf(Basic.ConsumeOk.class, firstOnChannel2,
                    "first method on channel 2 must be consume-ok, was " + firstOnChannel2);
        }
    }
}
