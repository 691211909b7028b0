package io.warren.management.http;

import static io.warren.management.http.RawHttp.basic;
import static io.warren.management.http.RawHttp.head;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.RunningManagement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP connections past the cap are closed at once, so the HTTP port can never take the file descriptors AMQP needs. */
class ConnectionCapTest {
    private static final int CAP = 4;

    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement(HttpLimits.defaults().withMaxConnections(CAP));

    @Test
    void connectionsPastTheCapAreClosedAtOnceAndAcceptedAgainWhenOneCloses() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) {
                RawHttp c = new RawHttp(mgmt.httpPort());
                held.add(c);
                assertEquals(200, c.send(head("GET", "/api/overview", "Authorization: " + basic("guest", "guest")))
                        .readStatus());
            }
            try (RawHttp extra = new RawHttp(mgmt.httpPort())) {
                assertTrue(extra.closedByServer(), "connection " + (CAP + 1) + " is still open after 30 s");
            }
            held.remove(0).close();
            await().atMost(Duration.ofSeconds(30)).until(() -> mgmt.server().openConnections() < CAP);
            try (RawHttp next = new RawHttp(mgmt.httpPort())) {
                assertEquals(200, next.send(head("GET", "/api/overview", "Authorization: " + basic("guest", "guest")))
                        .readStatus());
            }
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }
}
