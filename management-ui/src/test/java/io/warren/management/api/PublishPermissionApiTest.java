package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.RunningManagement;
import io.warren.management.RunningManagement.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Publishing through the API checks write permission as a publish over AMQP does: "" is "amq.default". */
class PublishPermissionApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    static final String MESSAGE = "{\"routing_key\":\"orders\",\"payload\":\"x\"}";

    @BeforeAll
    static void users() {
        mgmt.put("/api/queues/" + enc("/") + "/orders", "{}");
        mgmt.put("/api/users/sender", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/permissions/" + enc("/") + "/sender",
                "{\"configure\":\"\",\"write\":\"^amq\\\\.default$\",\"read\":\"\"}");
        mgmt.put("/api/users/ordersonly", "{\"password\":\"pw\",\"tags\":\"management\"}");
        mgmt.put("/api/permissions/" + enc("/") + "/ordersonly",
                "{\"configure\":\"\",\"write\":\"^orders$\",\"read\":\"\"}");
    }

    @Test
    void aWritePatternOfAmqDefaultAllowsPublishingToTheDefaultExchange() {
        Response r = mgmt.request("POST", "/api/exchanges/" + enc("/") + "/amq.default/publish", MESSAGE, "sender",
                "pw");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("routed").asBoolean());
    }

    @Test
    void aWritePatternThatOnlyNamesTheQueueDoesNotAllowTheDefaultExchange() {
        Response r = mgmt.request("POST", "/api/exchanges/" + enc("/") + "/amq.default/publish", MESSAGE,
                "ordersonly", "pw");
        assertEquals(403, r.status(), r.body());
        assertTrue(r.json().get("reason").asText().contains("'amq.default'"), r.body());
    }
}
