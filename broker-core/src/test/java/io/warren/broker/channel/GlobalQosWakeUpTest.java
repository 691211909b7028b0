package io.warren.broker.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RawBatch;
import io.warren.broker.RunningBroker;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.queue.AmqpQueue;
import io.warren.codec.methods.Basic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Review finding: ChannelConsumers.bounce gives channel-wide (global qos) credit back without waking the
 * channel's other starved consumers (AmqpChannel.channelCreditReleased is not set), so a consumer on another
 * queue that starved while the bounced delivery held the channel's credit never gets its messages.
 */
class GlobalQosWakeUpTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @Test
    void creditFreedByABouncedDeliveryReachesTheChannelsOtherConsumers() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0)) {
            List<AmqpConnection> conns = new ArrayList<>(broker.broker().connections());
            assertEquals(1, conns.size());
            AmqpConnection rawConn = conns.get(0);

            Channel admin = broker.channel();
            String sameLoop = null;
            String otherLoop = null;
            for (int i = 0; i < 256 && (sameLoop == null || otherLoop == null); i++) {
                String name = "review-wake-" + i;
                admin.queueDeclare(name, false, false, false, null);
                AmqpQueue mq = broker.broker().vhost("/").queue(name);
                if (mq.loop() == rawConn.executor()) {
                    sameLoop = sameLoop == null ? name : sameLoop;
                } else {
                    otherLoop = otherLoop == null ? name : otherLoop;
                }
            }
            assertNotNull(sameLoop);
            assertNotNull(otherLoop);

            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
            raw.sendMethod(1, new Basic.Qos(0, 1, true)); // channel-wide prefetch of 1
            raw.expect(Basic.QosOk.class);
            raw.sendMethod(1, new Basic.Consume(sameLoop, "X", false, false, false, false, Map.of()));
            raw.expect(Basic.ConsumeOk.class);
            raw.sendMethod(1, new Basic.Consume(otherLoop, "Y", false, false, false, false, Map.of()));
            raw.expect(Basic.ConsumeOk.class);

            // one write: a message for Y, Y cancelled (its delivery bounces and frees the channel's credit),
            // some padding so Y's queue takes the credit first, then a message for X
            raw.send(new RawBatch()
                    .publish(1, "", otherLoop, "for-Y")
                    .method(1, new Basic.Cancel("Y", false))
                    .heartbeats(20_000)
                    .publish(1, "", sameLoop, "for-X")
                    .bytes());

            boolean xGotIt = false;
            for (RawAmqpClient.RawFrame f : raw.readAvailable(2000)) {
                if (f.method() instanceof Basic.Deliver d && d.consumerTag().equals("X")) {
                    xGotIt = true;
                }
            }
            if (xGotIt) {
                return; // correct behaviour
            }
            // the message is there and credit is free: any wake-up (basic.qos wakes starved consumers) delivers it
            raw.sendMethod(1, new Basic.Qos(0, 1, true));
            boolean afterPoke = false;
            for (RawAmqpClient.RawFrame f : raw.readAvailable(2000)) {
                if (f.method() instanceof Basic.Deliver d && d.consumerTag().equals("X")) {
                    afterPoke = true;
                }
            }
            fail("consumer X never received its message although the channel's only credit was given back"
                    + " (lost wake-up; delivered after an unrelated basic.qos: " + afterPoke + ")");
        }
    }
}
