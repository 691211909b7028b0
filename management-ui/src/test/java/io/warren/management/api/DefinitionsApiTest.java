package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.management.RunningManagement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DefinitionsApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    static final String DEFINITIONS = """
            {"vhosts":[{"name":"imported"}],
             "users":[{"name":"importer","password_hash":"kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR",
                       "hashing_algorithm":"rabbit_password_hashing_sha256","tags":["management"]}],
             "permissions":[{"user":"importer","vhost":"imported","configure":".*","write":".*","read":".*"}],
             "exchanges":[{"name":"events","vhost":"imported","type":"fanout","durable":true,"auto_delete":false,
                           "internal":false,"arguments":{}}],
             "queues":[{"name":"audit","vhost":"imported","durable":true,"auto_delete":false,
                        "arguments":{"x-message-ttl":60000}}],
             "bindings":[{"source":"events","vhost":"imported","destination":"audit","destination_type":"queue",
                          "routing_key":"","arguments":{}}],
             "policies":[{"vhost":"imported","name":"ttl","pattern":"^audit$","apply-to":"queues",
                          "definition":{"message-ttl":60000},"priority":1}]}
            """;

    @Test
    void importedDefinitionsAreLiveAndExportTheSame() {
        assertEquals(204, mgmt.post("/api/definitions", DEFINITIONS).status());
        assertEquals(200, mgmt.get("/api/queues/imported/audit").status());
        assertEquals(60000, mgmt.get("/api/queues/imported/audit").json().path("arguments").path("x-message-ttl")
                .asInt());
        assertEquals(1, mgmt.get("/api/bindings/imported/e/events/q/audit").json().size());
        assertEquals("^audit$", mgmt.get("/api/policies/imported/ttl").json().get("pattern").asText());

        JsonNode export = mgmt.get("/api/definitions").json();
        assertTrue(export.get("vhosts").findValuesAsText("name").contains("imported"));
        assertTrue(export.get("users").findValuesAsText("name").contains("importer"));
        assertTrue(export.get("queues").findValuesAsText("name").contains("audit"));
        assertTrue(export.get("exchanges").findValuesAsText("name").contains("events"));
        assertEquals(1, export.get("bindings").size());
        assertEquals("ttl", export.get("policies").get(0).get("name").asText());

        // the export loads again unchanged (idempotent), as a backup must
        assertEquals(204, mgmt.post("/api/definitions", export.toString()).status());
    }

    @Test
    void aVhostsDefinitionsGoIntoTheNamedVhost() {
        mgmt.put("/api/vhosts/copy", "{}");
        String vhostDefs = "{\"queues\":[{\"name\":\"copied\",\"durable\":true,\"arguments\":{}}],"
                + "\"exchanges\":[],\"bindings\":[],\"policies\":[]}";
        assertEquals(204, mgmt.post("/api/definitions/copy", vhostDefs).status());
        assertEquals(200, mgmt.get("/api/queues/copy/copied").status());
        JsonNode export = mgmt.get("/api/definitions/copy").json();
        assertEquals("copied", export.get("queues").get(0).get("name").asText());
        assertEquals(404, mgmt.get("/api/queues/" + enc("/") + "/copied").status());
    }
}
