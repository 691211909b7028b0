package io.warren.broker.alarm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.connection.AmqpConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory and disk alarms over the wire, as RabbitMQ behaves: a connection that publishes while an alarm is on gets
 * connection.blocked and is no longer read; consumers and connections that never published carry on; when the
 * alarms clear, connection.unblocked comes and the held publishes go through. Alarms are raised and cleared by
 * moving the limits at runtime to extremes (a free-disk limit above any disk, a memory watermark of 0).
 */
class ResourceAlarmTest {
    // limits no test machine reaches, so only the tests raise alarms
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass(BrokerConfig.defaults()
            .withMemoryHighWatermark(MemoryWatermark.relative(1.0)).withDiskFreeLimit(0));

    private static final Duration HELD = Duration.ofMillis(500);
    private static final byte[] BODY = "m".getBytes();

    private final Connection observer = broker.connect();
    private final String queue = "alarm-" + UUID.randomUUID();

    @AfterEach
    void clearAlarms() throws IOException {
        alarms().setDiskFreeLimit(0);
        alarms().setMemoryHighWatermark(MemoryWatermark.relative(1.0));
        if (observer.isOpen()) {
            observer.createChannel().queueDelete(queue);
        }
    }

    private static ResourceAlarms alarms() {
        return broker.broker().alarms();
    }

    /** Records the blocked/unblocked notices a client hears. */
    private static final class Notices implements BlockedListener {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public void handleBlocked(String reason) {
            heard.add("blocked: " + reason);
        }

        @Override
        public void handleUnblocked() {
            heard.add("unblocked");
        }
    }

    private static Connection connect(Notices notices) {
        Connection c = broker.connect();
        c.addBlockedListener(notices);
        return c;
    }

    private void declareQueue() throws IOException {
        observer.createChannel().queueDeclare(queue, false, false, false, null);
    }

    /** The queue's depth as a passive declare from the observer connection reports it. */
    private int depth() {
        try (Channel ch = observer.createChannel()) {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitDepth(int n) {
        await().atMost(Duration.ofSeconds(10)).until(this::depth, d -> d == n);
    }

    /** The depth holds still for a while: publishes that reached the broker's socket are not being read. */
    private void assertDepthHolds(int n) {
        await().during(HELD).atMost(HELD.multipliedBy(10)).until(this::depth, d -> d == n);
    }

    private static void publish(Channel ch, String queue, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            ch.basicPublish("", queue, null, BODY);
        }
    }

    /** The broker's side of a client connection, found by the client's local port. */
    private static AmqpConnection brokerSide(Connection c) {
        String port = ":" + ((com.rabbitmq.client.impl.NetworkConnection) c).getLocalPort();
        return broker.broker().connections().stream().filter(a -> a.remoteAddress().endsWith(port)).findFirst()
                .orElseThrow();
    }

    @Test
    void aPublisherIsBlockedByTheDiskAlarmAndItsHeldPublishesArriveWhenItClears() throws Exception {
        declareQueue();
        Notices notices = new Notices();
        Connection publisher = connect(notices);
        Channel ch = publisher.createChannel();
        publish(ch, queue, 1);
        awaitDepth(1);

        alarms().setDiskFreeLimit(Long.MAX_VALUE);
        assertEquals(Set.of(Resource.DISK), alarms().active());
        // as in RabbitMQ, the publish that finds the alarm on is the last one read
        publish(ch, queue, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> notices.heard, h -> !h.isEmpty());
        assertEquals(List.of("blocked: low on disk"), notices.heard);
        awaitDepth(2);
        assertTrue(brokerSide(publisher).isBlockedByAlarm());

        publish(ch, queue, 8);
        assertDepthHolds(2);

        alarms().setDiskFreeLimit(0);
        assertEquals(Set.of(), alarms().active());
        await().atMost(Duration.ofSeconds(10)).until(() -> notices.heard.size() == 2);
        assertEquals(List.of("blocked: low on disk", "unblocked"), notices.heard);
        awaitDepth(10);
        assertFalse(brokerSide(publisher).isBlockedByAlarm());
    }

    @Test
    void theMemoryAlarmBlocksWithItsOwnReason() throws Exception {
        declareQueue();
        Notices notices = new Notices();
        Channel ch = connect(notices).createChannel();

        alarms().setMemoryHighWatermark(MemoryWatermark.relative(0));
        assertEquals(Set.of(Resource.MEMORY), alarms().active());
        publish(ch, queue, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> notices.heard, h -> !h.isEmpty());
        assertEquals(List.of("blocked: low on memory"), notices.heard);
        publish(ch, queue, 4);
        assertDepthHolds(1);

        alarms().setMemoryHighWatermark(MemoryWatermark.relative(1.0));
        awaitDepth(5);
        assertEquals(List.of("blocked: low on memory", "unblocked"), notices.heard);
    }

    @Test
    void twoAlarmsGiveOneBlockedNamingBothAndOneUnblockedWhenBothHaveCleared() throws Exception {
        declareQueue();
        Notices notices = new Notices();
        Channel ch = connect(notices).createChannel();

        alarms().setMemoryHighWatermark(MemoryWatermark.relative(0));
        alarms().setDiskFreeLimit(Long.MAX_VALUE);
        publish(ch, queue, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> notices.heard, h -> !h.isEmpty());
        publish(ch, queue, 1);

        alarms().setDiskFreeLimit(0);
        assertEquals(Set.of(Resource.MEMORY), alarms().active());
        assertDepthHolds(1);

        alarms().setMemoryHighWatermark(MemoryWatermark.relative(1.0));
        awaitDepth(2);
        assertEquals(List.of("blocked: low on memory & disk", "unblocked"), notices.heard);
    }

    @Test
    void aConsumerKeepsConsumingWhileTheAlarmIsOn() throws Exception {
        declareQueue();
        Channel backlog = broker.connect().createChannel();
        publish(backlog, queue, 5);
        awaitDepth(5);

        alarms().setDiskFreeLimit(Long.MAX_VALUE);
        publish(backlog, queue, 1); // that publisher is blocked now
        awaitDepth(6);
        await().atMost(Duration.ofSeconds(10)).until(() -> brokerSide(backlog.getConnection()).isBlockedByAlarm());

        Notices notices = new Notices();
        Channel consumer = connect(notices).createChannel();
        // one message at a time: each delivery needs the broker to read the previous ack
        consumer.basicQos(1);
        AtomicInteger received = new AtomicInteger();
        consumer.basicConsume(queue, false, new DefaultConsumer(consumer) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                received.incrementAndGet();
                getChannel().basicAck(env.getDeliveryTag(), false);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() == 6);
        awaitDepth(0);
        assertEquals(List.of(), notices.heard);
        assertFalse(brokerSide(consumer.getConnection()).isBlockedByAlarm());
    }

    @Test
    void aConnectionThatNeverPublishedIsNotBlocked() throws Exception {
        declareQueue();
        alarms().setDiskFreeLimit(Long.MAX_VALUE);
        alarms().setMemoryHighWatermark(MemoryWatermark.relative(0));
        Notices notices = new Notices();
        Connection c = connect(notices);
        Channel ch = c.createChannel();
        // every one of these is a round trip the broker must read
        for (int i = 0; i < 20; i++) {
            ch.queueDeclarePassive(queue);
            ch.basicGet(queue, true);
            ch.exchangeDeclare("alarm-x-" + i, "fanout", false, true, null);
        }
        assertFalse(brokerSide(c).isBlockedByAlarm());
        assertEquals(List.of(), notices.heard);
    }

    @Test
    void aClientWithoutTheCapabilityIsBlockedWithoutBeingTold() throws Exception {
        declareQueue();
        ConnectionFactory f = broker.factory();
        Map<String, Object> props = new HashMap<>(f.getClientProperties());
        @SuppressWarnings("unchecked")
        Map<String, Object> caps = new HashMap<>((Map<String, Object>) props.get("capabilities"));
        caps.remove("connection.blocked");
        props.put("capabilities", caps);
        f.setClientProperties(props);
        Connection c = f.newConnection();
        try {
            Notices notices = new Notices();
            c.addBlockedListener(notices);
            Channel ch = c.createChannel();

            alarms().setDiskFreeLimit(Long.MAX_VALUE);
            publish(ch, queue, 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> brokerSide(c).isBlockedByAlarm());
            publish(ch, queue, 2);
            assertDepthHolds(1);

            alarms().setDiskFreeLimit(0);
            awaitDepth(3);
            assertEquals(List.of(), notices.heard);
        } finally {
            c.abort();
        }
    }

    @Test
    void aBlockedConnectionIsNotDroppedForMissingHeartbeats() throws Exception {
        declareQueue();
        ConnectionFactory f = broker.factory();
        f.setRequestedHeartbeat(1);
        Connection c = f.newConnection();
        try {
            Channel ch = c.createChannel();
            alarms().setDiskFreeLimit(Long.MAX_VALUE);
            publish(ch, queue, 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> brokerSide(c).isBlockedByAlarm());
            // the broker would drop a client silent for two heartbeat intervals; its heartbeats are not read now
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(c::isOpen);

            alarms().setDiskFreeLimit(0);
            publish(ch, queue, 1);
            awaitDepth(2);
            assertTrue(c.isOpen());
        } finally {
            c.abort();
        }
    }

    @Test
    void theStatusReportsWhatWasMeasuredAndTheLimits() {
        alarms().setDiskFreeLimit(12_345);
        AlarmStatus s = alarms().status();
        assertEquals(Set.of(), s.active());
        assertEquals(12_345, s.diskFreeLimit());
        assertTrue(s.diskFree() > 12_345, "free disk space " + s.diskFree());
        assertTrue(s.memoryUsed() > 0, "memory in use " + s.memoryUsed());
        assertTrue(s.memoryLimit() >= Runtime.getRuntime().maxMemory(), "limit at 1.0 " + s.memoryLimit());

        alarms().setMemoryHighWatermark(MemoryWatermark.absolute(1));
        assertEquals(1, alarms().status().memoryLimit());
        assertEquals(Set.of(Resource.MEMORY), alarms().active());
    }

    @Test
    void aBrokerStartedWithALimitItCannotMeetHasTheAlarmOnFromTheStart() {
        try (RunningBroker b = RunningBroker.start(BrokerConfig.defaults().withDiskFreeLimit(Long.MAX_VALUE))) {
            assertTrue(b.broker().alarms().active().contains(Resource.DISK));
        }
    }
}
