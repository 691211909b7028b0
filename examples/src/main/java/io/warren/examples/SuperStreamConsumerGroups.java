package io.warren.examples;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Super stream with a consumer group per partition: the HTTP API makes the super stream "invoices" (an
 * x-consistent-hash exchange and the streams invoices-0..2). Invoices for ten customers are published with the
 * customer as routing key, so each customer's invoices land in one partition, in order. On every partition two
 * consumers form the group "billing": one at a time is active, and the group's offset is tracked by the broker.
 * Then the active consumer of the busiest partition stops in the middle of the second round, with invoices
 * delivered to it but not acked; the other takes over at the group's stored offset and gets those again: every
 * invoice is acked exactly once, in order, none skipped.
 *
 * <p>Usage: {@code SuperStreamConsumerGroups [AMQP-URI [API-URL]]}; the API URL defaults to the AMQP URI's host
 * on port 15672 (or the WARREN_API_URL environment variable), with the AMQP URI's user and password.
 */
public final class SuperStreamConsumerGroups {
    static final String SUPER_STREAM = "invoices";
    static final int PARTITIONS = 3;
    static final int CUSTOMERS = 10;
    static final int PER_CUSTOMER_AND_ROUND = 10;
    static final String GROUP = "billing";
    static final int ACKED_BEFORE_STOPPING = 3;

    /** One invoice as a consumer saw it. */
    record Delivery(int partition, String consumer, String customer, int number, long offset) {
    }

    private SuperStreamConsumerGroups() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = Broker.factory(args);
        createSuperStream(factory, args.length > 1 ? args[1] : apiUrl(factory));
        ConcurrentLinkedQueue<Delivery> seen = new ConcurrentLinkedQueue<>();
        try (Connection connection = factory.newConnection("warren-example-super-stream")) {
            Map<String, Member> members = new LinkedHashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (String name : List.of("a", "b")) { // "a" subscribes first, so it is the active one
                    members.put(p + name, subscribe(connection, p, name, seen));
                }
            }
            Channel producer = connection.createChannel();
            producer.confirmSelect();
            publishRound(producer, 0);
            awaitUntil(() -> seen.size() >= CUSTOMERS * PER_CUSTOMER_AND_ROUND);

            // the active consumer of the busiest partition acks a few more invoices, then hangs with the next ones
            // unacked and its channel goes away, as when a process dies: the standby must get those again
            int busiest = busiestPartition(seen);
            Member stopping = members.get(busiest + "a");
            long before = count(seen, busiest);
            stopping.acksLeft.set(ACKED_BEFORE_STOPPING);
            publishRound(producer, 1);
            awaitUntil(() -> count(seen, busiest) == before + ACKED_BEFORE_STOPPING && stopping.held.get() > 0);
            long handedOver = count(seen, busiest);
            stopping.channel.close();
            System.out.printf("[billing] consumer %da stopped after acking %d invoices of %s-%d, with %d unacked; "
                    + "%db takes over%n", busiest, handedOver, SUPER_STREAM, busiest, stopping.held.get(), busiest);
            awaitUntil(() -> seen.size() >= 2 * CUSTOMERS * PER_CUSTOMER_AND_ROUND);

            List<Delivery> all = new ArrayList<>(seen);
            print(all);
            String problem = check(all, busiest, handedOver);
            Broker.report(problem == null, problem != null ? problem : "each of " + CUSTOMERS + " customers' "
                    + 2 * PER_CUSTOMER_AND_ROUND + " invoices were acked in one partition, in order, once; consumer "
                    + busiest + "b took over at offset " + handedOver + " without skipping or repeating");
        }
    }

    /** PUT /api/super-streams/{vhost}/invoices, after deleting what a previous run left. */
    private static void createSuperStream(ConnectionFactory factory, String api) throws Exception {
        String path = api + "/api/super-streams/" + URLEncoder.encode(factory.getVirtualHost(), StandardCharsets.UTF_8)
                + "/" + SUPER_STREAM;
        String auth = "Basic " + Base64.getEncoder().encodeToString((factory.getUsername() + ":"
                + factory.getPassword()).getBytes(StandardCharsets.UTF_8));
        call("DELETE", path, auth, null); // 404 when there is none
        String body = "{\"partitions\": " + PARTITIONS + ", \"arguments\": {\"x-max-age\": \"7D\"}}";
        String answer = call("PUT", path, auth, body);
        if (!answer.startsWith("201")) {
            throw new IllegalStateException("FAILED: PUT " + path + " answered " + answer);
        }
        System.out.printf("[api] super stream %s made: exchange %s, streams %s-0..%d%n", SUPER_STREAM, SUPER_STREAM,
                SUPER_STREAM, PARTITIONS - 1);
    }

    /** One HTTP request on a connection of its own, closed after it; the status code and the body. */
    private static String call(String method, String url, String auth, String body) throws Exception {
        HttpURLConnection http = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            http.setConnectTimeout(5_000);
            http.setReadTimeout(30_000);
            http.setRequestMethod(method);
            http.setRequestProperty("Authorization", auth);
            if (body != null) {
                http.setDoOutput(true);
                http.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = http.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = http.getResponseCode();
            InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream();
            return status + (in == null ? "" : " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            http.disconnect();
        }
    }

    static String apiUrl(ConnectionFactory factory) {
        String fromEnvironment = System.getenv("WARREN_API_URL");
        return fromEnvironment == null || fromEnvironment.isBlank() ? "http://" + factory.getHost() + ":15672"
                : fromEnvironment;
    }

    /** Invoices round*N .. round*N+N-1 of every customer, persistent, confirmed; the customer is the routing key. */
    private static void publishRound(Channel producer, int round) throws Exception {
        for (int i = 0; i < PER_CUSTOMER_AND_ROUND; i++) {
            for (int c = 0; c < CUSTOMERS; c++) {
                int number = round * PER_CUSTOMER_AND_ROUND + i;
                producer.basicPublish(SUPER_STREAM, "customer-" + c, MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("customer-" + c + ":" + number).getBytes(StandardCharsets.UTF_8));
            }
        }
        producer.waitForConfirmsOrDie(30_000);
        System.out.printf("[producer] round %d: %d invoices confirmed%n", round, PER_CUSTOMER_AND_ROUND * CUSTOMERS);
    }

    /** A consumer of the group: its channel, how many more deliveries it acks, and how many it holds unacked. */
    private record Member(Channel channel, AtomicInteger acksLeft, AtomicInteger held) {
    }

    /**
     * A member of group "billing" on one partition: manual acks, a prefetch, and x-stream-offset void, so the
     * group starts at the first message and its offset is tracked (the one that takes over resumes there). What
     * it acks goes to seen; once its acks run out it holds what it gets, unacked.
     */
    private static Member subscribe(Connection connection, int partition, String name,
                                    ConcurrentLinkedQueue<Delivery> seen) throws Exception {
        Channel channel = connection.createChannel();
        channel.basicQos(20);
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("x-stream-consumer-group", GROUP);
        arguments.put("x-stream-offset", null);
        Member member = new Member(channel, new AtomicInteger(Integer.MAX_VALUE), new AtomicInteger());
        String consumer = partition + name;
        channel.basicConsume(SUPER_STREAM + "-" + partition, false, GROUP + "-" + consumer, false, false, arguments,
                (tag, delivery) -> {
                    if (member.acksLeft.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                        member.held.incrementAndGet();
                        return;
                    }
                    String[] invoice = new String(delivery.getBody(), StandardCharsets.UTF_8).split(":");
                    long offset = ((Number) delivery.getProperties().getHeaders().get("x-stream-offset")).longValue();
                    channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                    seen.add(new Delivery(partition, consumer, invoice[0], Integer.parseInt(invoice[1]), offset));
                }, tag -> { });
        return member;
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static long count(ConcurrentLinkedQueue<Delivery> seen, int partition) {
        return seen.stream().filter(d -> d.partition() == partition).count();
    }

    private static int busiestPartition(ConcurrentLinkedQueue<Delivery> seen) {
        int[] counts = new int[PARTITIONS];
        seen.forEach(d -> counts[d.partition()]++);
        int best = 0;
        for (int p = 1; p < PARTITIONS; p++) {
            best = counts[p] > counts[best] ? p : best;
        }
        return best;
    }

    private static void print(List<Delivery> all) {
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            Map<String, Long> byConsumer = new TreeMap<>();
            Map<String, Long> byCustomer = new TreeMap<>();
            all.stream().filter(d -> d.partition() == partition).forEach(d -> {
                byConsumer.merge(d.consumer(), 1L, Long::sum);
                byCustomer.merge(d.customer(), 1L, Long::sum);
            });
            System.out.printf("[%s-%d] customers %s, consumed by %s%n", SUPER_STREAM, p, byCustomer.keySet(),
                    byConsumer);
        }
    }

    /**
     * What went wrong, or null: each customer in one partition with its invoices 0..N-1 once and in order, only
     * consumer "a" of each partition active until the busiest one's stopped, and "b" taking over at the next offset.
     */
    static String check(List<Delivery> all, int busiest, long handedOver) {
        if (all.size() != 2 * CUSTOMERS * PER_CUSTOMER_AND_ROUND) {
            return "expected " + 2 * CUSTOMERS * PER_CUSTOMER_AND_ROUND + " deliveries, got " + all.size();
        }
        Map<String, Integer> partitionOf = new HashMap<>();
        Map<String, Integer> next = new HashMap<>();
        for (Delivery d : all) {
            Integer before = partitionOf.putIfAbsent(d.customer(), d.partition());
            if (before != null && before != d.partition()) {
                return d.customer() + " is in partitions " + before + " and " + d.partition();
            }
            int expected = next.getOrDefault(d.customer(), 0);
            if (d.number() != expected) {
                return d.customer() + ": invoice " + d.number() + " arrived where " + expected + " was due";
            }
            next.put(d.customer(), expected + 1);
            boolean standby = d.consumer().endsWith("b");
            if (standby != (d.partition() == busiest && d.offset() >= handedOver)) {
                return "consumer " + d.consumer() + " got offset " + d.offset() + " of partition " + d.partition();
            }
        }
        if (partitionOf.size() != CUSTOMERS || !next.values().stream().allMatch(n -> n == 2 * PER_CUSTOMER_AND_ROUND)) {
            return "not every customer's invoices arrived: " + next;
        }
        return null;
    }
}
