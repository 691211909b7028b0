package io.warren.management.http;

import static io.warren.management.http.RawHttp.basic;
import static io.warren.management.http.RawHttp.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.RunningManagement;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idle and slow HTTP connections are closed by the server, so they cannot pile up until file descriptors run out. */
class HttpTimeoutsTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement(HttpLimits.defaults()
            .withIdleTimeoutMillis(1000).withRequestTimeoutMillis(2000));

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            assertTrue(c.closedByServer(), "the server still holds an idle connection after 30 s");
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutOnceItsRequestIsAnswered() throws IOException {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            assertEquals(200, c.send(head("GET", "/api/overview", "Authorization: " + basic("guest", "guest")))
                    .readStatus());
            assertEquals(200, c.send(head("GET", "/api/overview", "Authorization: " + basic("guest", "guest")))
                    .readStatus(), "the connection is kept alive between requests");
            assertTrue(c.closedByServer(), "the server still holds an idle kept-alive connection after 30 s");
        }
    }

    @Test
    void aRequestHeadTrickledByteByByteGets408AtTheRequestTimeout() throws Exception {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            AtomicBoolean stop = new AtomicBoolean();
            // every byte comes well within the idle timeout, so only a deadline on the whole request stops it
            Thread trickler = new Thread(() -> {
                byte[] request = head("GET", "/api/overview", "X-Padding: " + "a".repeat(600)).getBytes();
                try {
                    for (int i = 0; i < request.length - 2 && !stop.get(); i++) {
                        c.send(new byte[] {request[i]});
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server, as it should be
                }
            });
            trickler.start();
            try {
                assertEquals(408, c.readStatus());
                assertTrue(c.closedByServer());
            } finally {
                stop.set(true);
                trickler.join();
            }
        }
    }

    @Test
    void aBodyTrickledByteByByteGets408AtTheRequestTimeout() throws Exception {
        try (RawHttp c = new RawHttp(mgmt.httpPort())) {
            c.send(head("PUT", "/api/queues/%2F/trickled", "Authorization: " + basic("guest", "guest"),
                    "Content-Type: application/json", "Content-Length: 500"));
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickler = new Thread(() -> {
                try {
                    for (int i = 0; i < 499 && !stop.get(); i++) {
                        c.send(" ");
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server, as it should be
                }
            });
            trickler.start();
            try {
                assertEquals(408, c.readStatus());
                assertTrue(c.closedByServer());
            } finally {
                stop.set(true);
                trickler.join();
            }
        }
    }
}
