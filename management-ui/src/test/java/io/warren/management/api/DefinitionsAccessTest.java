package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.RunningManagement;
import io.warren.management.RunningManagement.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Definitions export and import are administrators' alone, on every path (the console uploads through POST
 * /api/definitions); and an administrator's file is refused wherever the single calls refuse.
 */
class DefinitionsAccessTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    /** What the attack did: empty another tenant's queue with a policy and copy its messages with a binding. */
    static final String ATTACK = """
            {"policies":[{"vhost":"shop","name":"drain","pattern":"^payroll$","apply-to":"queues",
                          "definition":{"max-length":0},"priority":9}],
             "queues":[{"vhost":"shop","name":"tenant.spy","durable":true,"auto_delete":false,"arguments":{}}],
             "bindings":[{"vhost":"shop","source":"salaries","destination":"tenant.spy","destination_type":"queue",
                          "routing_key":"","arguments":{}}],
             "users":[{"name":"tenant-admin","password":"x","tags":"administrator"}],
             "permissions":[{"user":"tenant","vhost":"secret","configure":".*","write":".*","read":".*"}]}
            """;

    @BeforeAll
    static void tenants() {
        mgmt.put("/api/vhosts/shop", "{}");
        mgmt.put("/api/vhosts/secret", "{}");
        mgmt.put("/api/queues/shop/payroll", "{}");
        mgmt.put("/api/exchanges/shop/salaries", "{\"type\":\"fanout\"}");
        mgmt.post("/api/bindings/shop/e/salaries/q/payroll", "{}");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, mgmt.post("/api/exchanges/shop/salaries/publish",
                    "{\"routing_key\":\"\",\"payload\":\"salary " + i + "\"}").status());
        }
        // configure everything, write everything, read only its own queues: it must not read payroll
        String perms = "{\"configure\":\".*\",\"write\":\".*\",\"read\":\"^tenant\\\\.\"}";
        for (String[] u : new String[][] {{"tenant", "management"}, {"planner", "policymaker"},
            {"watcher", "monitoring"}}) {
            mgmt.put("/api/users/" + u[0], "{\"password\":\"pw\",\"tags\":\"" + u[1] + "\"}");
            mgmt.put("/api/permissions/shop/" + u[0], perms);
        }
    }

    private static Response as(String user, String method, String path, String body) {
        return mgmt.request(method, path, body, user, "pw");
    }

    private static void assertNotAdministrator(Response r, String what) {
        assertEquals(401, r.status(), what);
        assertEquals("not_authorised", r.json().get("error").asText(), what);
        assertEquals("Not administrator user", r.json().get("reason").asText(), what);
    }

    @Test
    void onlyAdministratorsImportDefinitionsOnEveryPathAndARefusedImportChangesNothing() {
        String perVhost = ATTACK.replace("\"vhost\":\"shop\",", "");
        for (String user : List.of("tenant", "planner", "watcher")) {
            // the attack's path first: before, configure ".*" in the vhost was enough for it
            assertNotAdministrator(as(user, "POST", "/api/definitions/shop", perVhost), user + " one vhost");
            assertNotAdministrator(as(user, "POST", "/api/definitions", ATTACK), user + " whole broker");
            assertNotAdministrator(as(user, "POST", "/api/definitions/shop/", perVhost), user + " trailing slash");
        }
        // nothing of the file was applied
        assertEquals(0, mgmt.get("/api/policies/shop").json().size());
        assertEquals(404, mgmt.get("/api/queues/shop/tenant.spy").status());
        assertEquals(3, mgmt.get("/api/queues/shop/payroll").json().get("messages_ready").asInt());
        assertEquals(1, mgmt.get("/api/exchanges/shop/salaries/bindings/source").json().size());
        assertEquals(404, mgmt.get("/api/users/tenant-admin").status());
        assertEquals(404, mgmt.get("/api/permissions/secret/tenant").status());
    }

    @Test
    void onlyAdministratorsExportDefinitions() {
        for (String user : List.of("tenant", "planner", "watcher")) {
            assertNotAdministrator(as(user, "GET", "/api/definitions", null), user + " whole broker");
            assertNotAdministrator(as(user, "GET", "/api/definitions/shop", null), user + " one vhost");
        }
        assertEquals(200, mgmt.get("/api/definitions/shop").status(), "the administrator still exports");
    }

    @Test
    void theTenantCannotDoTheSameWithSingleCallsEither() {
        // the checks an import must not get around
        assertEquals(403, as("tenant", "PUT", "/api/policies/shop/drain",
                "{\"pattern\":\"^payroll$\",\"definition\":{\"max-length\":0}}").status());
        as("tenant", "PUT", "/api/queues/shop/tenant.spy", "{}");
        assertEquals(403, as("tenant", "POST", "/api/bindings/shop/e/salaries/q/tenant.spy", "{}").status());
        as("tenant", "DELETE", "/api/queues/shop/tenant.spy", null);
    }

    @Test
    void anAdministratorsImportIsRefusedWhereTheSingleCallIs() {
        // a policy whose definition RabbitMQ would refuse
        assertEquals(400, mgmt.put("/api/policies/shop/bad",
                "{\"pattern\":\".*\",\"definition\":{\"max-length\":\"lots\"}}").status());
        assertRefused("{\"policies\":[{\"vhost\":\"shop\",\"name\":\"bad\",\"pattern\":\".*\","
                + "\"definition\":{\"max-length\":\"lots\"}}]}", "max-length");
        assertEquals(404, mgmt.get("/api/policies/shop/bad").status());

        // a binding from an exchange that does not exist
        assertEquals(404, mgmt.post("/api/bindings/shop/e/nosuch/q/payroll", "{}").status());
        assertRefused("{\"bindings\":[{\"vhost\":\"shop\",\"source\":\"nosuch\",\"destination\":\"payroll\","
                + "\"destination_type\":\"queue\",\"routing_key\":\"\",\"arguments\":{}}]}", "nosuch");

        // a binding to something that is neither a queue nor an exchange
        assertEquals(404, mgmt.post("/api/bindings/shop/e/salaries/x/payroll", "{}").status());
        assertRefused("{\"bindings\":[{\"vhost\":\"shop\",\"source\":\"salaries\",\"destination\":\"payroll\","
                + "\"destination_type\":\"stream\",\"routing_key\":\"other\",\"arguments\":{}}]}",
                "destination_type must be 'queue' or 'exchange'");
        assertEquals(1, mgmt.get("/api/exchanges/shop/salaries/bindings/source").json().size());

        // a permission pattern that is not a regular expression
        assertEquals(400, mgmt.put("/api/permissions/shop/tenant",
                "{\"configure\":\"(\",\"write\":\".*\",\"read\":\".*\"}").status());
        assertRefused("{\"permissions\":[{\"user\":\"watcher\",\"vhost\":\"secret\",\"configure\":\"(\","
                + "\"write\":\".*\",\"read\":\".*\"}]}", "invalid permission pattern");
        assertEquals(404, mgmt.get("/api/permissions/secret/watcher").status());

        // names the single calls refuse as empty
        assertRefused("{\"vhosts\":[{\"name\":\"\"}]}", "vhost name must not be empty");
        assertFalse(mgmt.get("/api/vhosts").json().findValuesAsText("name").contains(""));
        assertRefused("{\"users\":[{\"name\":\"\",\"password\":\"x\",\"tags\":\"administrator\"}]}",
                "user name must not be empty");
        assertFalse(mgmt.get("/api/users").json().findValuesAsText("name").contains(""));
        assertRefused("{\"queues\":[{\"vhost\":\"shop\",\"name\":\"\",\"durable\":true,\"arguments\":{}}]}",
                "queue name must not be empty");
        assertFalse(mgmt.get("/api/queues/shop").json().findValuesAsText("name").contains(""));
        // a parameter without a value
        assertEquals(400, mgmt.put("/api/parameters/shovel/shop/nothing", "{}").status());
        assertRefused("{\"parameters\":[{\"vhost\":\"shop\",\"component\":\"shovel\",\"name\":\"nothing\"}]}",
                "'value' is required");
        assertRefused("{\"global_parameters\":[{\"name\":\"nothing\"}]}", "'value' is required");
        assertEquals(404, mgmt.get("/api/parameters/shovel/shop/nothing").status());
        assertEquals(404, mgmt.get("/api/global-parameters/nothing").status());

        Response perVhost = mgmt.post("/api/definitions/shop",
                "{\"queues\":[{\"name\":\"\",\"durable\":true,\"arguments\":{}}]}");
        assertEquals(400, perVhost.status());
        assertTrue(perVhost.json().get("reason").asText().contains("queue name must not be empty"));
    }

    private static void assertRefused(String definitions, String reasonPart) {
        Response r = mgmt.post("/api/definitions", definitions);
        assertEquals(400, r.status(), definitions);
        assertEquals("bad_request", r.json().get("error").asText());
        assertTrue(r.json().get("reason").asText().contains(reasonPart), r.body());
    }

    @Test
    void anAdministratorsPerVhostImportStillWorks() {
        assertEquals(204, mgmt.post("/api/definitions/" + enc("shop"),
                "{\"queues\":[{\"name\":\"restored\",\"durable\":true,\"arguments\":{}}]}").status());
        assertEquals(200, mgmt.get("/api/queues/shop/restored").status());
    }
}
