package io.warren.management.api;

import static io.warren.management.RunningManagement.enc;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.management.RunningManagement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MoveAndRedriveTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final String V = enc("/");

    private static int messages(String queue) {
        return mgmt.get("/api/queues/" + V + "/" + queue).json().path("messages").asInt();
    }

    @Test
    void messagesMoveFromOneQueueToAnotherInOrder() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("from", false, false, false, null);
            ch.queueDeclare("to", false, false, false, null);
            for (int i = 0; i < 5; i++) {
                ch.basicPublish("", "from", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> messages("from") == 5);
            JsonNode moved = mgmt.post("/api/queues/" + V + "/from/move", "{\"destination\":\"to\",\"count\":3}")
                    .json();
            assertEquals(3, moved.get("moved").asInt());
            await().atMost(Duration.ofSeconds(10)).until(() -> messages("to") == 3 && messages("from") == 2);
            for (int i = 0; i < 3; i++) {
                GetResponse r = ch.basicGet("to", true);
                assertEquals("m" + i, new String(r.getBody(), StandardCharsets.UTF_8));
            }
            assertEquals(2, mgmt.post("/api/queues/" + V + "/from/move", "{\"destination\":\"to\"}").json()
                    .get("moved").asInt());
            assertEquals(400, mgmt.post("/api/queues/" + V + "/from/move", "{\"destination\":\"from\"}").status());
            assertEquals(404, mgmt.post("/api/queues/" + V + "/from/move", "{\"destination\":\"nowhere\"}").status());
        }
    }

    @Test
    void redriveSendsEachDeadLetterBackToTheQueueNamedInItsXDeath() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("orders", false, false, false, null);
            ch.queueDeclare("payments", false, false, false, null);
            ch.queueDeclare("dlq", false, false, false, null);
            ch.basicPublish("", "dlq", MoveAndRedriveTestSupport.deadLettered("orders"), "o1".getBytes());
            ch.basicPublish("", "dlq", MoveAndRedriveTestSupport.deadLettered("payments"), "p1".getBytes());
            ch.basicPublish("", "dlq", MoveAndRedriveTestSupport.deadLettered("orders"), "o2".getBytes());
            ch.basicPublish("", "dlq", null, "no-death".getBytes());
            ch.basicPublish("", "dlq", MoveAndRedriveTestSupport.deadLettered("deleted-long-ago"), "orphan".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> messages("dlq") == 5);

            JsonNode result = mgmt.post("/api/queues/" + V + "/dlq/redrive", "").json();
            assertEquals(3, result.get("moved").asInt());
            assertEquals(2, result.get("moved_to").get("orders").asInt());
            assertEquals(1, result.get("moved_to").get("payments").asInt());
            assertEquals(2, result.get("left").asInt());

            await().atMost(Duration.ofSeconds(10)).until(() -> messages("orders") == 2 && messages("payments") == 1);
            assertEquals("o1", new String(ch.basicGet("orders", true).getBody()));
            assertEquals("o2", new String(ch.basicGet("orders", true).getBody()));
            assertEquals("p1", new String(ch.basicGet("payments", true).getBody()));
            assertEquals("no-death", new String(ch.basicGet("dlq", true).getBody()), "left in order");
            assertEquals("orphan", new String(ch.basicGet("dlq", true).getBody()));
        }
    }

    @Test
    void aBacklogOfSeveralChunksMovesWholeAndInOrder() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("big-from", true, false, false, null);
            ch.queueDeclare("big-to", true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 2_500; i++) {
                ch.basicPublish("", "big-from", com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(10_000);

            assertEquals(2_500, mgmt.post("/api/queues/" + V + "/big-from/move", "{\"destination\":\"big-to\"}")
                    .json().get("moved").asInt());
            await().atMost(Duration.ofSeconds(10)).until(() -> messages("big-to") == 2_500 && messages("big-from") == 0);
            for (int i = 0; i < 2_500; i++) {
                assertEquals("m" + i, new String(ch.basicGet("big-to", true).getBody(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void aRedriveOfSeveralChunksLeavesTheMessagesWithoutAQueueInOrder() throws Exception {
        try (Connection c = mgmt.broker().factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("jobs", false, false, false, null);
            ch.queueDeclare("big-dlq", false, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 2_500; i++) {
                AMQP.BasicProperties p = i % 2 == 0 ? MoveAndRedriveTestSupport.deadLettered("jobs") : null;
                ch.basicPublish("", "big-dlq", p, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(10_000);

            JsonNode result = mgmt.post("/api/queues/" + V + "/big-dlq/redrive", "").json();
            assertEquals(1_250, result.get("moved").asInt());
            assertEquals(1_250, result.get("left").asInt());
            await().atMost(Duration.ofSeconds(10)).until(() -> messages("jobs") == 1_250);
            for (int i = 0; i < 2_500; i++) {
                String queue = i % 2 == 0 ? "jobs" : "big-dlq";
                assertEquals("m" + i, new String(ch.basicGet(queue, true).getBody(), StandardCharsets.UTF_8));
            }
        }
    }
}
