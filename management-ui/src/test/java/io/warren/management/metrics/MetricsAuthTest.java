package io.warren.management.metrics;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.RunningManagement;
import io.warren.management.RunningManagement.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /metrics and /metrics/per-object are open by default (Prometheus scrapes them without a login); with metrics-auth
 * neither answers, and so no queue is named, until a monitoring or administrator user logs in.
 */
class MetricsAuthTest {
    static RunningManagement open;
    static RunningManagement guarded;

    @BeforeAll
    static void start() throws Exception {
        open = new RunningManagement().start();
        guarded = new RunningManagement().withMetricsAuth().start();
        for (RunningManagement m : new RunningManagement[] {open, guarded}) {
            m.put("/api/vhosts/hidden", "{}");
            m.put("/api/queues/hidden/secret-project", "{}");
            m.put("/api/users/watcher", "{\"password\":\"pw\",\"tags\":\"monitoring\"}");
            m.put("/api/users/clerk", "{\"password\":\"pw\",\"tags\":\"management\"}");
            m.put("/api/permissions/" + enc("/") + "/clerk", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
            m.put("/api/users/app", "{\"password\":\"pw\",\"tags\":\"\"}");
        }
    }

    @AfterAll
    static void stop() {
        open.close();
        guarded.close();
    }

    private static Response scrape(RunningManagement m, String user) {
        return m.request("GET", "/metrics", null, user, "pw");
    }

    private static Response scrapePerObject(RunningManagement m, String user) {
        return m.request("GET", "/metrics/per-object", null, user, "pw");
    }

    @Test
    void byDefaultMetricsNeedNoLogin() {
        Response r = scrape(open, null);
        assertEquals(200, r.status());
        assertTrue(r.body().contains("warren_connections"));
        Response perObject = scrapePerObject(open, null);
        assertEquals(200, perObject.status());
        assertTrue(perObject.body().contains("secret-project"));
    }

    @Test
    void withMetricsAuthAnAnonymousScrapeIsRefusedAndNamesNothing() {
        Response r = scrape(guarded, null);
        assertEquals(401, r.status());
        assertEquals("not_authorised", r.json().get("error").asText());
        assertFalse(r.body().contains("secret-project"));
        assertEquals(401, guarded.request("GET", "/metrics", null, "watcher", "wrong").status());
        Response perObject = scrapePerObject(guarded, null);
        assertEquals(401, perObject.status());
        assertFalse(perObject.body().contains("secret-project"));
    }

    @Test
    void withMetricsAuthOnlyMonitoringAndAdministratorUsersScrape() {
        assertEquals(200, scrape(guarded, "watcher").status());
        assertEquals(200, guarded.request("GET", "/metrics", null, "guest", "guest").status());
        Response management = scrape(guarded, "clerk");
        assertEquals(401, management.status());
        assertEquals("Not monitor user", management.json().get("reason").asText());
        assertEquals(401, scrape(guarded, "app").status());
        assertEquals(401, scrapePerObject(guarded, "clerk").status());
        Response perObject = scrapePerObject(guarded, "watcher");
        assertEquals(200, perObject.status());
        assertTrue(perObject.body().contains("secret-project"));
    }
}
