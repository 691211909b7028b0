package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.management.RunningManagement;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RabbitMQ's pagination, name filter and column selection on the listings, and unpaged listings streamed. */
class PaginationApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final String V = enc("/");
    private static final int QUEUES = 30;

    @BeforeAll
    static void thirtyQueuesAndExchanges() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            for (int i = 0; i < QUEUES; i++) {
                ch.queueDeclare(String.format("page-q-%02d", i), false, false, false, null);
                ch.exchangeDeclare(String.format("page-x-%02d", i), "fanout");
                ch.queueBind(String.format("page-q-%02d", i), String.format("page-x-%02d", i), "");
            }
            ch.basicPublish("", "page-q-07", null, new byte[3]);
            ch.basicPublish("", "page-q-07", null, new byte[3]);
        }
    }

    private static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path("name").asText()));
        return out;
    }

    @Test
    void aPageOfQueuesComesWithRabbitMqsCounts() {
        var r = mgmt.get("/api/queues/" + V + "?page=2&page_size=10&name=page-q-");
        assertEquals(200, r.status(), r.body());
        JsonNode p = r.json();
        assertTrue(p.isObject(), r.body());
        assertEquals(30, p.get("filtered_count").asInt());
        assertEquals(10, p.get("item_count").asInt());
        assertEquals(2, p.get("page").asInt());
        assertEquals(3, p.get("page_count").asInt());
        assertEquals(10, p.get("page_size").asInt());
        assertTrue(p.get("total_count").asInt() >= 30);
        assertEquals(List.of("page-q-10", "page-q-11", "page-q-12", "page-q-13", "page-q-14", "page-q-15",
                "page-q-16", "page-q-17", "page-q-18", "page-q-19"), names(p.get("items")));
        assertEquals(0, p.get("items").get(0).path("messages").asInt());
        assertEquals("/", p.get("items").get(0).path("vhost").asText());
    }

    @Test
    void theNameFilterIsASubstringOrWithUseRegexARegularExpression() {
        JsonNode sub = mgmt.get("/api/queues?page=1&name=Q-2").json();
        assertEquals(List.of("page-q-20", "page-q-21", "page-q-22", "page-q-23", "page-q-24", "page-q-25",
                "page-q-26", "page-q-27", "page-q-28", "page-q-29"), names(sub.get("items")));
        JsonNode regex = mgmt.get("/api/queues?page=1&use_regex=true&name=" + enc("^page-q-0[0-4]$")).json();
        assertEquals(List.of("page-q-00", "page-q-01", "page-q-02", "page-q-03", "page-q-04"),
                names(regex.get("items")));
        assertEquals(5, regex.get("filtered_count").asInt());
    }

    @Test
    void badPagingParametersAre400sThatSayWhy() {
        var big = mgmt.get("/api/queues?page=1&page_size=501");
        assertEquals(400, big.status());
        assertTrue(big.json().get("reason").asText().contains("page_size must be at most 500"), big.body());
        var zero = mgmt.get("/api/queues?page=0");
        assertEquals(400, zero.status());
        assertTrue(zero.json().get("reason").asText().contains("page must be a positive integer"), zero.body());
        var beyond = mgmt.get("/api/queues/" + V + "?page=4&page_size=10&name=page-q-");
        assertEquals(400, beyond.status());
        assertTrue(beyond.json().get("reason").asText().contains("out of range"), beyond.body());
        var regex = mgmt.get("/api/queues?page=1&use_regex=true&name=" + enc("(unclosed"));
        assertEquals(400, regex.status());
        assertTrue(regex.json().get("reason").asText().contains("not a valid regular expression"), regex.body());
    }

    @Test
    void aRegularExpressionThatBacktracksWithoutEndIsStoppedWithA400() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("a".repeat(30) + "!", false, false, false, null);
        }
        var r = mgmt.get("/api/queues?page=1&use_regex=true&name=" + enc("(.*a){20}$"));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().get("reason").asText().contains("takes too long"), r.body());
    }

    @Test
    void columnsKeepOnlyTheNamedFieldsWithDottedPaths() {
        JsonNode p = mgmt.get("/api/queues/" + V + "?page=1&name=page-q-07&columns="
                + enc("name,messages,message_stats.publish")).json();
        JsonNode q = p.get("items").get(0);
        assertEquals("page-q-07", q.get("name").asText());
        assertEquals(2, q.get("messages").asInt());
        assertEquals(2, q.path("message_stats").path("publish").asInt());
        assertEquals(3, q.size(), q.toString());
        assertEquals(1, q.get("message_stats").size(), q.toString());
        JsonNode all = mgmt.get("/api/queues?columns=name").json();
        assertTrue(all.isArray());
        all.forEach(i -> assertEquals(1, i.size(), i.toString()));
        assertTrue(names(all).contains("page-q-29"));
    }

    @Test
    void sortAndSortReverseOrderThePage() {
        JsonNode p = mgmt.get("/api/queues/" + V + "?page=1&page_size=3&name=page-q-&sort=name&sort_reverse=true")
                .json();
        assertEquals(List.of("page-q-29", "page-q-28", "page-q-27"), names(p.get("items")));
        JsonNode byDepth = mgmt.get("/api/queues/" + V + "?page=1&page_size=1&name=page-q-&sort=messages"
                + "&sort_reverse=true").json();
        assertEquals(List.of("page-q-07"), names(byDepth.get("items")));
    }

    @Test
    void exchangesBindingsConnectionsAndChannelsArePagedToo() throws Exception {
        JsonNode x = mgmt.get("/api/exchanges/" + V + "?page=3&page_size=10&name=page-x-").json();
        assertEquals(List.of("page-x-20", "page-x-21", "page-x-22", "page-x-23", "page-x-24", "page-x-25",
                "page-x-26", "page-x-27", "page-x-28", "page-x-29"), names(x.get("items")));
        JsonNode b = mgmt.get("/api/bindings/" + V + "?page=1&page_size=500&name=page-q-").json();
        // each queue's default binding and its fanout binding
        assertEquals(2 * QUEUES, b.get("filtered_count").asInt(), b.toString());
        try (Connection c = mgmt.broker().factory().newConnection("paged-connection")) {
            c.createChannel();
            c.createChannel();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    mgmt.get("/api/channels?page=1&page_size=1").json().path("total_count").asInt() >= 2);
            JsonNode conns = mgmt.get("/api/connections?page=1&page_size=1").json();
            assertEquals(1, conns.get("item_count").asInt());
            assertTrue(conns.get("total_count").asInt() >= 1);
            JsonNode chans = mgmt.get("/api/channels?page=2&page_size=1").json();
            assertEquals(2, chans.get("page").asInt());
            assertEquals(1, chans.get("item_count").asInt());
        }
    }

    @Test
    void anUnpagedListingIsStreamedInChunks() throws Exception {
        String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
        try (Socket s = new Socket("127.0.0.1", mgmt.httpPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /api/queues HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + auth
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            List<String> headers = new ArrayList<>();
            for (String line; !(line = in.readLine()).isEmpty(); ) {
                headers.add(line.toLowerCase());
            }
            assertTrue(headers.contains("transfer-encoding: chunked"), headers.toString());
            assertFalse(headers.stream().anyMatch(h -> h.startsWith("content-length")), headers.toString());
            StringBuilder body = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                body.append(line).append('\n');
            }
            assertTrue(body.toString().contains("\"name\":\"page-q-29\""));
        }
        // and what a client reassembles is the same JSON array as ever
        JsonNode list = mgmt.get("/api/queues").json();
        assertTrue(list.isArray());
        assertTrue(names(list).containsAll(List.of("page-q-00", "page-q-29")));
    }
}
