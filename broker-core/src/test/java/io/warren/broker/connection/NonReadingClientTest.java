package io.warren.broker.connection;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import io.warren.broker.RawAmqpClient;
import io.warren.broker.RawBatch;
import io.warren.broker.RunningBroker;
import io.warren.codec.methods.Channel.Open;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that publishes but never reads its socket makes the broker write returns it never takes. The broker stops
 * reading from it once the socket's outbound buffer is over its high water mark, so that client slows only itself:
 * the broker holds a bounded amount for it, and other clients carry on.
 */
class NonReadingClientTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    /** What the non-reading client tries to send: every publish of it comes back as a return of the same size. */
    private static final long SEND_BYTES = 96L << 20;
    /** The socket's high water mark (1 MiB) plus the returns of one read batch, with room to spare. */
    private static final long BOUND = 8L << 20;

    private static AmqpConnection brokerSide(int clientPort) {
        String port = ":" + clientPort;
        return broker.broker().connections().stream().filter(a -> a.remoteAddress().endsWith(port)).findFirst()
                .orElseThrow();
    }

    @Test
    void aClientThatPublishesUnroutableMandatoryMessagesAndNeverReadsIsHeldToABoundedBuffer() throws Exception {
        RawAmqpClient raw = new RawAmqpClient(broker.port()).handshake(131072, 0);
        raw.sendMethod(1, new Open());
        AmqpConnection side = brokerSide(raw.localPort());
        RawBatch batch = new RawBatch();
        for (int i = 0; i < 64; i++) {
            batch.publish(1, "", "nowhere", true, new byte[1024]);
        }
        byte[] bytes = batch.bytes();
        AtomicLong sent = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                while (sent.get() < SEND_BYTES) {
                    raw.send(bytes);
                    sent.addAndGet(bytes.length);
                }
            } catch (IOException e) {
                // closed at the end of the test while blocked in a write
            } finally {
                done.set(true);
            }
        });
        writer.start();
        AtomicLong maxPending = new AtomicLong();
        try {
            // the broker either stops reading it (and the writer blocks), or reads everything it sends
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                maxPending.accumulateAndGet(side.pendingOutboundBytes(), Math::max);
                return side.isHeldForOutput() || done.get();
            });

            // meanwhile another client publishes and consumes as usual
            Channel control = broker.connect().createChannel();
            String q = control.queueDeclare().getQueue();
            AtomicInteger received = new AtomicInteger();
            control.basicConsume(q, true, (tag, d) -> received.incrementAndGet(), tag -> { });
            for (int i = 0; i < 1_000; i++) {
                control.basicPublish("", q, null, new byte[100]);
                maxPending.accumulateAndGet(side.pendingOutboundBytes(), Math::max);
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                maxPending.accumulateAndGet(side.pendingOutboundBytes(), Math::max);
                return received.get() == 1_000;
            });
            // and the broker still holds only a bounded amount for the client that does not read
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> maxPending.accumulateAndGet(side.pendingOutboundBytes(), Math::max) < BOUND);
            // (reading resumes for a moment whenever the kernel's socket buffers take some more of what is pending)
            await().atMost(Duration.ofSeconds(30)).until(side::isHeldForOutput);
            assertTrue(sent.get() < SEND_BYTES, "the client that does not read should be blocked in its writes");
        } finally {
            raw.close();
            writer.join(10_000);
        }
        assertTrue(maxPending.get() < BOUND, "the broker held " + maxPending.get() + " bytes for a client that "
                + "does not read");
        assertEquals(true, done.get());
    }
}
