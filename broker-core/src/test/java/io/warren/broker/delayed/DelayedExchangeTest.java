package io.warren.broker.delayed;

import static io.warren.broker.TestMessages.utf8;
import static io.warren.broker.TestMessages.text;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.RunningBroker;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.DelayedMessageView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The x-delayed-message exchange over the wire: declaration, delays, routing through each type, confirms, admin. */
class DelayedExchangeTest {
    @RegisterExtension
    static final RunningBroker broker = RunningBroker.perClass();

    private static int counter;

    private static String unique(String prefix) {
        return prefix + "-" + (++counter);
    }

    private static Map<String, Object> delayedType(String type) {
        return Map.of("x-delayed-type", type);
    }

    private static AMQP.BasicProperties delayed(Object delay, Map<String, Object> more) {
        Map<String, Object> headers = new HashMap<>(more);
        if (delay != null) {
            headers.put("x-delay", delay);
        }
        return new AMQP.BasicProperties.Builder().headers(headers).build();
    }

    private static AMQP.BasicProperties persistentDelayed(long delay) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2).headers(Map.of("x-delay", delay)).build();
    }

    private static BrokerAdmin admin() {
        return new BrokerAdmin(broker.broker());
    }

    private static long delayedCount(String exchange) {
        return admin().topology().exchange("/", exchange).messagesDelayed();
    }

    /** Declares a delayed exchange of the routing type and a queue bound to it; returns the queue. */
    private static String declare(Channel ch, String exchange, String type) throws IOException {
        ch.exchangeDeclare(exchange, "x-delayed-message", false, false, delayedType(type));
        String q = ch.queueDeclare().getQueue();
        switch (type) {
            case "topic" -> ch.queueBind(q, exchange, "orders.#");
            case "headers" -> ch.queueBind(q, exchange, "", Map.of("x-match", "all", "region", "eu"));
            default -> ch.queueBind(q, exchange, "orders.eu");
        }
        return q;
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "fanout", "topic", "headers"})
    void eachDelayedTypeRoutesTheMessageOnceItIsDue(String type) throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-" + type);
        String q = declare(ch, x, type);
        ch.confirmSelect();
        long published = System.currentTimeMillis();
        ch.basicPublish(x, "orders.eu", delayed(400, Map.of("region", "eu")), utf8("later"));
        ch.waitForConfirmsOrDie(5_000);

        assertNull(ch.basicGet(q, true), "a delayed message must not be in the queue before it is due");
        assertEquals(1, delayedCount(x));

        GetResponse r = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> ch.basicGet(q, true), java.util.Objects::nonNull);
        long waited = System.currentTimeMillis() - published;
        assertTrue(waited >= 400, "fired after " + waited + " ms, before its delay of 400 ms");
        assertEquals("later", text(r));
        assertEquals(x, r.getEnvelope().getExchange());
        // as the plugin does: the delay is negated on the way out
        assertEquals(-400, r.getProps().getHeaders().get("x-delay"));
        assertEquals(0, delayedCount(x));
    }

    @Test
    void aMessageTheExchangeDoesNotRouteWhenDueGoesNowhere() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-unrouted");
        String q = declare(ch, x, "direct");
        ch.basicPublish(x, "orders.us", delayed(100, Map.of()), utf8("no one"));
        ch.basicPublish(x, "orders.eu", delayed(150, Map.of()), utf8("someone"));
        GetResponse r = await().atMost(Duration.ofSeconds(5)).until(() -> ch.basicGet(q, true),
                java.util.Objects::nonNull);
        assertEquals("someone", text(r));
        await().atMost(Duration.ofSeconds(5)).until(() -> delayedCount(x) == 0);
        assertNull(ch.basicGet(q, true));
    }

    @Test
    void messagesFireInDueOrderNotInPublishOrder() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-order");
        String q = declare(ch, x, "fanout");
        ch.basicPublish(x, "", delayed(900, Map.of()), utf8("third"));
        ch.basicPublish(x, "", delayed(300, Map.of()), utf8("first"));
        ch.basicPublish(x, "", delayed(600, Map.of()), utf8("second"));
        ch.basicPublish(x, "", delayed(null, Map.of()), utf8("undelayed"));

        List<String> got = receive(ch, q, 4);
        assertEquals(List.of("undelayed", "first", "second", "third"), got);
    }

    @Test
    void noDelayZeroOrNegativeDelayRoutesAtOnce() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-none");
        String q = declare(ch, x, "fanout");
        ch.confirmSelect();
        ch.basicPublish(x, "", delayed(null, Map.of()), utf8("no header"));
        ch.basicPublish(x, "", delayed(0, Map.of()), utf8("zero"));
        ch.basicPublish(x, "", delayed(-5000, Map.of()), utf8("negative"));
        ch.basicPublish(x, "", delayed("soon", Map.of()), utf8("not a number"));
        ch.waitForConfirmsOrDie(5_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> ch.messageCount(q) == 4);
        GetResponse r = ch.basicGet(q, true);
        assertEquals("no header", text(r));
        assertEquals(0, ch.basicGet(q, true).getProps().getHeaders().get("x-delay"),
                "a message that was not delayed keeps its header as it was");
    }

    @Test
    void numericStringAndFloatingDelaysAreHonouredAsThePluginDoes() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-string");
        String q = declare(ch, x, "fanout");
        ch.confirmSelect();
        ch.basicPublish(x, "", delayed("500", Map.of()), utf8("string"));
        ch.basicPublish(x, "", delayed(500.7, Map.of()), utf8("double"));
        ch.waitForConfirmsOrDie(5_000);
        assertNull(ch.basicGet(q, true));
        assertEquals(2, delayedCount(x));
        List<String> got = receive(ch, q, 2);
        assertEquals(List.of("string", "double"), got);
    }

    @Test
    void aMandatoryDelayedMessageIsNotReturned() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-mandatory");
        String q = declare(ch, x, "direct");
        BlockingQueue<String> returned = new LinkedBlockingQueue<>();
        ch.addReturnListener(r -> returned.add(new String(r.getBody())));
        ch.confirmSelect();
        ch.basicPublish(x, "orders.eu", true, delayed(200, Map.of()), utf8("routed later"));
        ch.basicPublish(x, "nowhere", true, delayed(null, Map.of()), utf8("unroutable now"));
        ch.waitForConfirmsOrDie(5_000);
        assertEquals("unroutable now", returned.poll(5, TimeUnit.SECONDS));
        assertEquals(List.of("routed later"), receive(ch, q, 1));
        assertNull(returned.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void missingDelayedTypeIsThePluginsPreconditionFailed() throws Exception {
        Channel ch = broker.channel();
        IOException e = assertThrows(IOException.class,
                () -> ch.exchangeDeclare(unique("untyped"), "x-delayed-message", false, false, Map.of()));
        AMQP.Channel.Close close = (AMQP.Channel.Close) ((ShutdownSignalException) e.getCause()).getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - Invalid argument, 'x-delayed-type' must be an existing exchange type",
                close.getReplyText());
    }

    @Test
    void delayedTypeThatIsItselfDelayedIsRefused() throws Exception {
        Channel ch = broker.channel();
        IOException e = assertThrows(IOException.class, () -> ch.exchangeDeclare(unique("nested"),
                "x-delayed-message", false, false, delayedType("x-delayed-message")));
        AMQP.Channel.Close close = (AMQP.Channel.Close) ((ShutdownSignalException) e.getCause()).getReason();
        assertEquals(406, close.getReplyCode());
    }

    @Test
    void unknownDelayedTypeClosesTheConnectionAsAnUnknownTypeDoes() throws Exception {
        Connection c = broker.connect();
        Channel ch = c.createChannel();
        IOException e = assertThrows(IOException.class, () -> ch.exchangeDeclare(unique("bad"),
                "x-delayed-message", false, false, delayedType("nonsense")));
        AMQP.Connection.Close close = (AMQP.Connection.Close) ((ShutdownSignalException) e.getCause()).getReason();
        assertEquals(503, close.getReplyCode());
        assertEquals("COMMAND_INVALID - unknown exchange type 'nonsense'", close.getReplyText());
    }

    @Test
    void pendingMessagesAreCountedAndListedSoonestFirst() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-listed");
        ch.exchangeDeclare(x, "x-delayed-message", true, false, delayedType("topic"));
        ch.confirmSelect();
        ch.basicPublish(x, "in.a.minute", persistentDelayed(60_000), utf8("60"));
        ch.basicPublish(x, "in.half.a.minute", persistentDelayed(30_000), utf8("30 s"));
        ch.basicPublish(x, "in.ten.minutes", persistentDelayed(600_000), utf8("far away"));
        ch.basicPublish(x, "in.45.seconds", persistentDelayed(45_000), utf8("45"));
        ch.waitForConfirmsOrDie(5_000);

        assertEquals(4, delayedCount(x));
        List<DelayedMessageView> soonest = admin().topology().delayedMessages("/", x, 3).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("in.half.a.minute", "in.45.seconds", "in.a.minute"),
                soonest.stream().map(DelayedMessageView::routingKey).toList());
        assertEquals(4, soonest.get(0).bodySize());
        assertEquals(30_000L, soonest.get(0).properties().headers().get("x-delay"));
        long now = System.currentTimeMillis();
        assertTrue(soonest.get(0).dueAtMillis() > now + 25_000 && soonest.get(0).dueAtMillis() <= now + 30_000);
        List<DelayedMessageView> all = admin().topology().delayedMessages("/", x, 10).get(5, TimeUnit.SECONDS);
        assertEquals("in.ten.minutes", all.get(3).routingKey());
        ch.exchangeDelete(x);
    }

    @Test
    void deletingTheExchangeDropsItsPendingMessagesAndTheirLogs() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-deleted");
        ch.exchangeDeclare(x, "x-delayed-message", true, false, delayedType("fanout"));
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, x, "");
        ch.confirmSelect();
        // "soon" must still be pending when the exchange goes, even on a slow machine: 6 s is far beyond the
        // few round trips before the delete
        long published = System.currentTimeMillis();
        ch.basicPublish(x, "", persistentDelayed(6_000), utf8("soon"));
        ch.basicPublish(x, "", persistentDelayed(60_000), utf8("later"));
        ch.waitForConfirmsOrDie(30_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> delayedLogsOf(x).size() >= 1);

        ch.exchangeDelete(x);
        assertTrue(System.currentTimeMillis() - published < 6_000, "deleted before the first message was due");

        await().atMost(Duration.ofSeconds(30)).until(() -> delayedLogsOf(x).isEmpty());
        Thread.sleep(Math.max(0, published + 6_500 - System.currentTimeMillis())); // past the first one's due time
        assertEquals(0, ch.messageCount(q));
    }

    @Test
    void thousandsOfMessagesAcrossManyBucketsAllFireAndNoneEarly() throws Exception {
        Channel ch = broker.channel();
        String x = unique("delayed-many");
        ch.exchangeDeclare(x, "x-delayed-message", true, false, delayedType("direct"));
        String q = ch.queueDeclare().getQueue();
        ch.queueBind(q, x, "k");
        Random random = new Random(42);
        int n = 5_000;
        // the broker times a delay from when it gets the message, somewhere between the send and the confirm
        long[] earliestDue = new long[n];
        long[] latestDue = new long[n];
        long[] delays = new long[n];
        ch.confirmSelect();
        int confirmedUpTo = 0;
        for (int i = 0; i < n; i++) {
            delays[i] = 50 + random.nextInt(5_000);
            earliestDue[i] = System.currentTimeMillis() + delays[i];
            AMQP.BasicProperties p = new AMQP.BasicProperties.Builder().deliveryMode(i % 2 == 0 ? 2 : 1)
                    .headers(Map.of("x-delay", delays[i])).build();
            ch.basicPublish(x, "k", p, utf8(Integer.toString(i)));
            if (i % 200 == 199 || i == n - 1) {
                ch.waitForConfirmsOrDie(10_000);
                long confirmed = System.currentTimeMillis();
                for (int j = confirmedUpTo; j <= i; j++) {
                    latestDue[j] = confirmed + delays[j];
                }
                confirmedUpTo = i + 1;
            }
        }

        int received = 0;
        long latestEarliest = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (received < n && System.currentTimeMillis() < deadline) {
            GetResponse r = ch.basicGet(q, true);
            if (r == null) {
                Thread.sleep(5);
                continue;
            }
            long at = System.currentTimeMillis();
            int i = Integer.parseInt(text(r));
            assertTrue(at >= earliestDue[i], "message due at " + earliestDue[i] + " at the earliest came at " + at);
            // fired in due order: nothing comes after a message that was surely due later than it
            assertTrue(latestDue[i] >= latestEarliest, "message " + i + " due by " + latestDue[i]
                    + " came after one due no earlier than " + latestEarliest);
            latestEarliest = Math.max(latestEarliest, earliestDue[i]);
            received++;
        }
        assertEquals(n, received);
        await().atMost(Duration.ofSeconds(5)).until(() -> delayedLogsOf(x).isEmpty());
    }

    private static List<String> receive(Channel ch, String q, int count) throws Exception {
        List<String> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (got.size() < count && System.currentTimeMillis() < deadline) {
            GetResponse r = ch.basicGet(q, true);
            if (r == null) {
                Thread.sleep(5);
            } else {
                got.add(text(r));
            }
        }
        return got;
    }

    /** What the exchange holds, soonest first, as routing keys and bodies' sizes (for failure messages). */
    static List<String> listing(RunningBroker b, String exchange) {
        try {
            return new BrokerAdmin(b.broker()).topology().delayedMessages("/", exchange, 100).get(5, TimeUnit.SECONDS)
                    .stream().map(m -> m.routingKey() + "/" + m.bodySize() + "/" + m.dueAtMillis()).toList();
        } catch (Exception e) {
            return List.of(e.toString());
        }
    }

    /** The names of the message store's logs that belong to the delayed exchange. */
    static List<String> delayedLogsOf(String exchange) throws IOException {
        return delayedLogsOf(admin().dataDir(), exchange);
    }

    static List<String> delayedLogsOf(Path dataDir, String exchange) throws IOException {
        Path messages = dataDir.resolve("messages");
        if (!Files.isDirectory(messages)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(messages)) {
            return dirs.map(d -> d.resolve("name")).filter(Files::isRegularFile).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    return "";
                }
            }).filter(name -> name.contains("delayed:") && name.contains(":" + exchange + ":")).toList();
        }
    }
}
