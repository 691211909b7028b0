package io.warren.management.http;

import static io.warren.management.http.RawHttp.basic;
import static io.warren.management.http.RawHttp.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.RunningManagement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Logins and body sizes are checked from a request's head, before its body is read: anonymous clients cannot make
 * the server buffer anything, and authenticated ones only what the route takes and the shared budget has room for.
 */
class RequestGateTest {
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement(HttpLimits.defaults().withBodyBudget(8 * MIB));

    private static final String GUEST = "Authorization: " + basic("guest", "guest");

    @Test
    void anAnonymousPostAnnouncingA60MegabyteBodyGets401BeforeSendingAnyOfIt() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            c.send(head("POST", "/api/definitions", "Content-Type: application/json", "Content-Length: 60000000"));
            assertEquals(401, c.readStatus());
            assertTrue(c.closedByServer(), "the connection is closed rather than the body read");
        }
    }

    @Test
    void aWrongPasswordWithABodyGets401BeforeTheBody() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            c.send(head("POST", "/api/definitions", "Authorization: " + basic("guest", "wrong"),
                    "Transfer-Encoding: chunked"));
            assertEquals(401, c.readStatus());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aRequestWithoutABodyIsStillAnsweredOnAKeptAliveConnectionWhenRefused() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            assertEquals(401, c.send(head("GET", "/api/overview")).readStatus());
            assertEquals(404, c.send(head("GET", "/api/no-such-thing", GUEST)).readStatus());
            assertEquals(200, c.send(head("GET", "/api/overview", GUEST)).readStatus());
        }
    }

    @Test
    void anOrdinaryRouteRefusesABodyLargerThanItTakesBeforeReadingIt() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            c.send(head("PUT", "/api/queues/%2F/big", GUEST, "Content-Type: application/json",
                    "Content-Length: " + (2 * MIB)));
            assertEquals(413, c.readStatus());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void staticFilesTakeNoBody() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            c.send(head("POST", "/index.html", "Content-Length: 60000000"));
            assertEquals(413, c.readStatus());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aDefinitionsImportLargerThanOrdinaryBodiesIsAccepted() throws IOException {
        byte[] body = paddedDefinitions(3 * MIB);
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            c.send(head("POST", "/api/definitions", GUEST, "Content-Type: application/json",
                    "Content-Length: " + body.length)).send(body);
            int status = c.readStatus();
            assertTrue(status == 200 || status == 201 || status == 204, "status " + status);
        }
        assertEquals(200, mgmt.get("/api/queues/%2F/imported").status());
    }

    @Test
    void bodiesPastTheSharedBudgetGet503UntilItHasRoomAgain() throws IOException {
        byte[] body = paddedDefinitions(5 * MIB);
        String bodyHead = head("POST", "/api/definitions", GUEST, "Content-Type: application/json",
                "Content-Length: " + body.length);
        try (RawHttp first = new RawHttp(mgmt.httpPort()); RawHttp second = new RawHttp(mgmt.httpPort())) {
            // the first body is under way (half of it sent): its 5 MiB are held
            first.send(bodyHead).send(Arrays.copyOf(body, body.length / 2));
            second.send(bodyHead);
            assertEquals(503, second.readStatus());
            assertTrue(second.closedByServer());

            first.send(Arrays.copyOfRange(body, body.length / 2, body.length));
            int status = first.readStatus();
            assertTrue(status == 200 || status == 201 || status == 204, "status " + status);
        }
        try (RawHttp again = new RawHttp(mgmt.httpPort())) {
            int status = again.send(bodyHead).send(body).readStatus();
            assertTrue(status == 200 || status == 201 || status == 204, "once the first is done: " + status);
        }
    }

    /** A definitions document that declares one queue, padded with spaces to the given size. */
    private static byte[] paddedDefinitions(int size) {
        String json = "{\"queues\":[{\"name\":\"imported\",\"vhost\":\"/\",\"durable\":true,\"auto_delete\":false,"
                + "\"arguments\":{}}]}";
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(j, 0, body, 0, j.length);
        return body;
    }
}
