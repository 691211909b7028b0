package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.management.RunningManagement;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /api/policies: set as in RabbitMQ's API, refused with RabbitMQ's reasons, and shown on what they apply to. */
class PoliciesApiTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final String ROOT = enc("/");

    @Test
    void aPolicySetThroughTheApiShowsOnTheQueueItMatches() {
        assertEquals(201, mgmt.put("/api/queues/" + ROOT + "/api.orders", "{\"durable\":false}").status());
        assertEquals(201, mgmt.put("/api/policies/" + ROOT + "/api-orders", """
                {"pattern":"^api\\\\.orders$","apply-to":"queues","priority":2,
                 "definition":{"message-ttl":30000,"dead-letter-exchange":"dlx"}}
                """).status());

        Awaitility.await().until(() -> "api-orders".equals(mgmt.get("/api/queues/" + ROOT + "/api.orders").json()
                .path("policy").asText(null)));
        JsonNode q = mgmt.get("/api/queues/" + ROOT + "/api.orders").json();
        assertEquals(30000, q.path("effective_policy_definition").path("message-ttl").asInt());
        assertEquals("dlx", q.path("effective_policy_definition").path("dead-letter-exchange").asText());
        assertTrue(q.path("arguments").isEmpty(), "the declared arguments are unchanged");

        JsonNode p = mgmt.get("/api/policies/" + ROOT + "/api-orders").json();
        assertEquals("queues", p.path("apply-to").asText());
        assertEquals(2, p.path("priority").asInt());

        assertEquals(204, mgmt.delete("/api/policies/" + ROOT + "/api-orders").status());
        // as RabbitMQ leaves out a policy that is '' (none), rather than showing null, which crashes rabbitmqadmin
        Awaitility.await().until(() -> !mgmt.get("/api/queues/" + ROOT + "/api.orders").json().has("policy"));
        assertTrue(mgmt.get("/api/queues/" + ROOT + "/api.orders").json().path("effective_policy_definition")
                .isEmpty());
    }

    @Test
    void anExchangeShowsItsPolicyOnlyWhenOneApplies() {
        mgmt.put("/api/exchanges/" + ROOT + "/api.events", "{\"type\":\"fanout\",\"durable\":false}");
        assertFalse(mgmt.get("/api/exchanges/" + ROOT + "/api.events").json().has("policy"));
        assertEquals(201, mgmt.put("/api/policies/" + ROOT + "/api-ae", """
                {"pattern":"^api\\\\.events$","apply-to":"exchanges","definition":{"alternate-exchange":"spare"}}
                """).status());
        assertEquals("api-ae", mgmt.get("/api/exchanges/" + ROOT + "/api.events").json().path("policy").asText());
        assertEquals(204, mgmt.delete("/api/policies/" + ROOT + "/api-ae").status());
    }

    @Test
    void badPoliciesAreRefusedWith400AndRabbitMqsReason() {
        var unknownKey = mgmt.put("/api/policies/" + ROOT + "/bad", """
                {"pattern":".*","definition":{"max-priority":10}}
                """);
        assertEquals(400, unknownKey.status());
        assertTrue(unknownKey.body().contains("are not recognised policy settings"), unknownKey.body());

        var badTtl = mgmt.put("/api/policies/" + ROOT + "/bad", """
                {"pattern":".*","definition":{"message-ttl":"soon"}}
                """);
        assertEquals(400, badTtl.status());
        assertTrue(badTtl.body().contains("is not a valid message TTL"), badTtl.body());

        var badOverflow = mgmt.put("/api/policies/" + ROOT + "/bad", """
                {"pattern":".*","definition":{"overflow":"drop-tail"}}
                """);
        assertEquals(400, badOverflow.status());
        assertTrue(badOverflow.body().contains("is not a valid overflow value"), badOverflow.body());

        var badApplyTo = mgmt.put("/api/policies/" + ROOT + "/bad", """
                {"pattern":".*","apply-to":"both","definition":{"message-ttl":5}}
                """);
        assertEquals(400, badApplyTo.status());
        assertTrue(badApplyTo.body().contains("apply-to 'both' unrecognised"), badApplyTo.body());

        var badPattern = mgmt.put("/api/policies/" + ROOT + "/bad", """
                {"pattern":"[","definition":{"message-ttl":5}}
                """);
        assertEquals(400, badPattern.status());

        assertEquals(404, mgmt.get("/api/policies/" + ROOT + "/bad").status());
    }
}
