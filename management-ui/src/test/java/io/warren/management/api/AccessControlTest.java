package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.management.RunningManagement;
import io.warren.management.RunningManagement.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccessControlTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    @BeforeAll
    static void users() {
        assertEquals(201, mgmt.put("/api/vhosts/shop", "{}").status());
        assertEquals(201, mgmt.put("/api/vhosts/secret", "{}").status());
        mgmt.put("/api/queues/secret/hidden", "{}");
        mgmt.put("/api/queues/shop/orders", "{}");
        mgmt.put("/api/users/clerk", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/permissions/shop/clerk", "{\"configure\":\"^clerk\\\\.\",\"write\":\".*\",\"read\":\".*\"}");
        mgmt.put("/api/users/watcher", "{\"password\":\"pw\",\"tags\":[\"monitoring\"]}");
        mgmt.put("/api/users/app", "{\"password\":\"pw\",\"tags\":\"\"}");
        mgmt.put("/api/permissions/shop/app", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    private static Response as(String user, String method, String path, String body) {
        return mgmt.request(method, path, body, user, "pw");
    }

    @Test
    void aWrongPasswordOrNoCredentialsGet401() {
        Response wrong = mgmt.request("GET", "/api/overview", null, "guest", "nope");
        assertEquals(401, wrong.status());
        assertEquals("not_authorised", wrong.json().get("error").asText());
        assertEquals(401, mgmt.request("GET", "/api/queues", null, null, null).status());
        assertEquals(401, mgmt.request("GET", "/api/queues", null, "nobody", "pw").status());
    }

    @Test
    void aUserWithoutAManagementTagCannotUseTheApi() {
        assertEquals(401, as("app", "GET", "/api/overview", null).status());
    }

    @Test
    void aManagementUserSeesOnlyTheVhostsItHasPermissionsIn() {
        JsonNode vhosts = as("clerk", "GET", "/api/vhosts", null).json();
        assertEquals(1, vhosts.size());
        assertEquals("shop", vhosts.get(0).get("name").asText());
        JsonNode queues = as("clerk", "GET", "/api/queues", null).json();
        assertTrue(queues.findValuesAsText("name").contains("orders"));
        assertFalse(queues.findValuesAsText("name").contains("hidden"));
        assertEquals(404, as("clerk", "GET", "/api/queues/secret/hidden", null).status());
        assertEquals(404, as("clerk", "GET", "/api/queues/secret", null).status());
        assertEquals(404, as("clerk", "GET", "/api/exchanges/secret", null).status());
        assertEquals(404, as("clerk", "PUT", "/api/queues/secret/mine", "{}").status());
        assertEquals(404, as("clerk", "DELETE", "/api/queues/secret/hidden", null).status());
        assertEquals(404, as("clerk", "DELETE", "/api/queues/secret/hidden/contents", null).status());
        assertEquals(404, as("clerk", "POST", "/api/queues/secret/hidden/get", "{\"count\":1}").status());
        assertEquals(404, as("clerk", "POST", "/api/exchanges/secret/amq.default/publish",
                "{\"routing_key\":\"hidden\",\"payload\":\"x\"}").status());
        assertEquals(200, mgmt.get("/api/queues/secret/hidden").status(), "still there for the administrator");
    }

    @Test
    void aManagementUserChangesOnlyWhatItsPermissionsAllow() {
        assertEquals(201, as("clerk", "PUT", "/api/queues/shop/clerk.inbox", "{}").status());
        Response refused = as("clerk", "PUT", "/api/queues/shop/other", "{}");
        assertEquals(403, refused.status());
        assertTrue(refused.json().get("reason").asText().contains("configure"));
        assertEquals(403, as("clerk", "DELETE", "/api/queues/shop/orders", null).status());
    }

    @Test
    void onlyAdministratorsManageUsersPermissionsAndVhosts() {
        assertEquals(403, as("clerk", "GET", "/api/users", null).status());
        assertEquals(403, as("watcher", "PUT", "/api/users/evil", "{\"password\":\"x\",\"tags\":\"administrator\"}")
                .status());
        assertEquals(403, as("watcher", "PUT", "/api/vhosts/new", "{}").status());
        assertEquals(403, as("clerk", "PUT", "/api/permissions/secret/clerk",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").status());
        // definitions answer as RabbitMQ's do: 401 (DefinitionsAccessTest has the details)
        assertEquals(401, as("clerk", "GET", "/api/definitions", null).status());
        assertEquals(401, as("clerk", "POST", "/api/definitions", "{}").status());
    }

    @Test
    void monitoringSeesEveryVhostButChangesNothing() {
        JsonNode vhosts = as("watcher", "GET", "/api/vhosts", null).json();
        assertTrue(vhosts.findValuesAsText("name").contains("secret"));
        assertEquals(200, as("watcher", "GET", "/api/queues/secret/hidden", null).status());
        assertEquals(403, as("watcher", "DELETE", "/api/queues/secret/hidden", null).status());
    }

    @Test
    void whoamiReportsTheUserAndItsTags() {
        JsonNode me = as("clerk", "GET", "/api/whoami", null).json();
        assertEquals("clerk", me.get("name").asText());
        assertEquals("management", me.get("tags").get(0).asText());
    }

    @Test
    void badJsonGets400WithAReasonAndTheBrokerCarriesOn() {
        String[] bodies = {"{", "not json", "[1,2]", "{\"durable\":\"maybe\"}", "{\"arguments\":5}",
            "{\"arguments\":{\"x\":{\"deep\":[1,{\"a\":null}]}}, \"durable\": 12}", "\u0000\u0001"};
        for (String body : bodies) {
            Response r = mgmt.put("/api/queues/" + enc("/") + "/bad", body);
            assertEquals(400, r.status(), body);
            assertFalse(r.json().get("reason").asText().isEmpty(), body);
        }
        assertEquals(400, mgmt.post("/api/exchanges/" + enc("/") + "/amq.default/publish", "{\"payload\":1}").status());
        assertEquals(400, mgmt.post("/api/exchanges/" + enc("/") + "/amq.default/publish",
                "{\"routing_key\":\"q\",\"payload\":\"x\",\"payload_encoding\":\"base64\"}").status());
        assertEquals(400, mgmt.post("/api/exchanges/" + enc("/") + "/amq.default/publish",
                "{\"routing_key\":\"q\",\"payload\":\"x\",\"properties\":{\"delivery_mode\":\"x\"}}").status());
        assertEquals(400, mgmt.put("/api/exchanges/" + enc("/") + "/x", "{\"type\":\"nonsense\"}").status());
        mgmt.put("/api/queues/" + enc("/") + "/peek", "{}");
        assertEquals(400, mgmt.post("/api/queues/" + enc("/") + "/peek/get",
                "{\"count\":1,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\",\"truncate\":-1}").status());
        assertEquals(400, mgmt.put("/api/permissions/" + enc("/") + "/guest",
                "{\"configure\":\"(\",\"write\":\".*\",\"read\":\".*\"}").status());
        assertEquals(400, mgmt.post("/api/definitions", "{\"queues\":[{\"vhost\":\"nope\",\"name\":\"q\"}]}")
                .status());
        String auth = "Authorization: Basic Z3Vlc3Q6Z3Vlc3Q=\r\n";
        assertTrue(mgmt.raw("GET /api/queues/%zz HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n")
                .contains(" 400 "));
        assertTrue(mgmt.raw("PUT /api/queues/%2F/big HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Length: 999999999999\r\nConnection: close\r\n\r\n{}").contains(" 4"));
        assertTrue(mgmt.raw("\u0001\u0002 garbage\r\n\r\n").contains(" 400 "));
        assertEquals(405, mgmt.post("/api/overview", "{}").status());
        assertEquals(404, mgmt.get("/api/no/such/thing").status());
        assertEquals(200, mgmt.get("/api/overview").status());
    }
}
