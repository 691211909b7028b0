package io.warren.broker.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RunningBroker;
import io.warren.codec.frame.FrameWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HeartbeatTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    @Test
    void theNegotiatedHeartbeatIsTheClientsWhenLower() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedHeartbeat(7);
        try (Connection c = f.newConnection()) {
            assertEquals(7, c.getHeartbeat());
        }
    }

    @Test
    void anIdleClientStaysConnectedBecauseTheBrokerSendsHeartbeats() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedHeartbeat(1);
        try (Connection c = f.newConnection(); Channel ch = c.createChannel()) {
            // the Java client drops a connection whose peer is silent for two intervals
            Thread.sleep(4_000);
            assertTrue(c.isOpen(), "connection should survive idle periods");
            assertTrue(ch.isOpen());
            ch.queueDeclare();
        }
    }

    @Test
    void theBrokerSendsHeartbeatsEveryHalfIntervalCountedInMillisecondsNotWholeSeconds() throws Exception {
        // heartbeat=3 means one every 1.5 s; rounded to whole seconds it was one every second
        byte[] heartbeat = {FrameWriter.FRAME_HEARTBEAT, 0, 0, 0, 0, 0, 0, (byte) FrameWriter.FRAME_END};
        try (RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 3)) {
            List<Long> gapsMillis = new ArrayList<>();
            long previous = 0;
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(heartbeat, raw.readBytes(heartbeat.length));
                long now = System.nanoTime();
                raw.send(heartbeat); // so the broker does not take this client for dead
                if (i > 0) {
                    gapsMillis.add((now - previous) / 1_000_000);
                }
                previous = now;
            }
            // a timer may fire late on a busy machine, never early: only the lower bound is safe to check
            assertTrue(gapsMillis.stream().allMatch(gap -> gap >= 1_300), "gaps between heartbeats " + gapsMillis);
        }
    }

    @Test
    void aClientThatStopsSendingHeartbeatsIsDisconnected() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.handshake(131072, 1);
            // say nothing more: the broker must hang up after missing heartbeats (socket timeout is 10 s)
            assertTrue(raw.closedByPeer(), "broker should close a connection with missed heartbeats");
        }
    }

    @Test
    void aClientWithHeartbeatsDisabledIsNotDisconnected() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port())) {
            raw.handshake(131072, 0);
            raw.sendMethod(1, new io.warren.codec.methods.Channel.Open());
            raw.expect(io.warren.codec.methods.Channel.OpenOk.class);
        }
    }
}
