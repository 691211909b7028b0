package io.warren.broker.delayed;

import static io.warren.broker.TestMessages.text;
import static io.warren.broker.TestMessages.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerConfig;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.DelayedMessageView;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a durable delayed exchange holds across broker restarts, including its far log. */
class DelayedExchangeRestartTest {
    private static final String EXCHANGE = "later";
    private static final String QUEUE = "due";

    @TempDir
    Path dataDir;
    private RunningBroker broker;

    private Channel start() throws IOException {
        broker = RunningBroker.startOn(BrokerConfig.defaults(), dataDir);
        Channel ch = broker.connect().createChannel();
        ch.exchangeDeclare(EXCHANGE, "x-delayed-message", true, false, Map.of("x-delayed-type", "direct"));
        ch.queueDeclare(QUEUE, true, false, false, Map.of());
        ch.queueBind(QUEUE, EXCHANGE, "k");
        return ch;
    }

    private Channel restart() throws IOException {
        broker.close();
        return start();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        System.clearProperty("warren.delayed.near-ms");
        System.clearProperty("warren.delayed.far-pull-ms");
    }

    private static AMQP.BasicProperties delayed(long delay, boolean persistent) {
        return new AMQP.BasicProperties.Builder().deliveryMode(persistent ? 2 : 1)
                .headers(Map.of("x-delay", delay)).build();
    }

    private long pending() {
        return new BrokerAdmin(broker.broker()).topology().exchange("/", EXCHANGE).messagesDelayed();
    }

    private static String next(Channel ch, Duration within) {
        GetResponse r = await().atMost(within).pollInterval(Duration.ofMillis(10))
                .until(() -> ch.basicGet(QUEUE, true), Objects::nonNull);
        return text(r);
    }

    @Test
    void persistentDelayedMessagesSurviveARestartAndFireOnSchedule() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        long published = System.currentTimeMillis();
        ch.basicPublish(EXCHANGE, "k", delayed(2_500, true), utf8("soon"));
        ch.basicPublish(EXCHANGE, "k", delayed(2_000, false), utf8("transient"));
        ch.basicPublish(EXCHANGE, "k", delayed(600_000, true), utf8("in ten minutes"));
        ch.waitForConfirmsOrDie(5_000);

        ch = restart();

        assertEquals(2, pending(), "the persistent ones come back, the transient one does not");
        assertNull(ch.basicGet(QUEUE, true));
        assertEquals("soon", next(ch, Duration.ofSeconds(10)));
        assertTrue(System.currentTimeMillis() - published >= 2_500);
        assertEquals(1, pending());
        List<DelayedMessageView> left = new BrokerAdmin(broker.broker()).topology()
                .delayedMessages("/", EXCHANGE, 10).get(5, TimeUnit.SECONDS);
        assertEquals(1, left.size());
        assertEquals(utf8("in ten minutes").length, left.get(0).bodySize());

        ch = restart();
        assertEquals(1, pending(), "a message that fired is not back after another restart");
        Thread.sleep(300);
        assertNull(ch.basicGet(QUEUE, true));
    }

    @Test
    void messagesThatFellDueWhileTheBrokerWasDownFireAtOnce() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        for (int i = 0; i < 100; i++) {
            ch.basicPublish(EXCHANGE, "k", delayed(300 + i, true), utf8("m" + i));
        }
        ch.waitForConfirmsOrDie(5_000);
        broker.close();
        Thread.sleep(800);

        ch = start();

        List<String> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (got.size() < 100 && System.currentTimeMillis() < deadline) {
            GetResponse r = ch.basicGet(QUEUE, true);
            if (r == null) {
                Thread.sleep(10);
            } else {
                got.add(text(r));
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, got, "overdue messages fire in due order; still held: "
                + DelayedExchangeTest.listing(broker, EXCHANGE) + ", logs " + DelayedExchangeTest.delayedLogsOf(dataDir, EXCHANGE));
        assertEquals(0, pending());
    }

    @Test
    void aDeletedDelayedExchangeLeavesNoLogsAndNothingComesBack() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        ch.basicPublish(EXCHANGE, "k", delayed(60_000, true), utf8("never"));
        ch.waitForConfirmsOrDie(5_000);
        ch.exchangeDelete(EXCHANGE);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> DelayedExchangeTest.delayedLogsOf(dataDir, EXCHANGE).isEmpty());

        restart();

        assertEquals(0, pending());
        assertEquals(List.of(), DelayedExchangeTest.delayedLogsOf(dataDir, EXCHANGE));
    }

    @Test
    void theDelayedLogsOfAnExistingExchangeAreKeptAtStartUp() throws Exception {
        Channel ch = start();
        ch.confirmSelect();
        ch.basicPublish(EXCHANGE, "k", delayed(60_000, true), utf8("kept"));
        ch.waitForConfirmsOrDie(5_000);
        List<String> before = DelayedExchangeTest.delayedLogsOf(dataDir, EXCHANGE);

        restart();

        assertEquals(1, before.size());
        assertEquals(before, DelayedExchangeTest.delayedLogsOf(dataDir, EXCHANGE));
    }

    @Test
    void messagesBeyondTheNearHorizonWaitInTheFarLogAndMoveInWhenTheirTimeComes() throws Exception {
        // a 1 s horizon instead of minutes, so that the far log is used within a test's time
        System.setProperty("warren.delayed.near-ms", "1000");
        System.setProperty("warren.delayed.far-pull-ms", "500");
        Channel ch = start();
        ch.confirmSelect();
        // moved in from the far log only after the restart below (due in 6 s, pulled in 1.5 s ahead)
        ch.basicPublish(EXCHANGE, "k", delayed(6_000, true), utf8("far, after a restart"));
        ch.basicPublish(EXCHANGE, "k", delayed(2_500, true), utf8("far"));
        ch.basicPublish(EXCHANGE, "k", delayed(3_000, false), utf8("far, transient"));
        ch.basicPublish(EXCHANGE, "k", delayed(200, true), utf8("near"));
        ch.waitForConfirmsOrDie(5_000);
        assertTrue(DelayedExchangeTest.delayedLogsOf(dataDir, EXCHANGE).stream().anyMatch(n -> n.endsWith(":far")));

        assertEquals("near", next(ch, Duration.ofSeconds(5)));
        assertEquals("far", next(ch, Duration.ofSeconds(5)));
        assertEquals("far, transient", next(ch, Duration.ofSeconds(5)));
        assertEquals(1, pending());

        ch = restart();

        assertEquals(1, pending(), () -> String.valueOf(DelayedExchangeTest.listing(broker, EXCHANGE)));
        assertEquals("far, after a restart", next(ch, Duration.ofSeconds(8)));
        assertEquals(0, pending());
    }
}
