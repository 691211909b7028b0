package io.warren.management.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.warren.management.ExternalTool;
import io.warren.management.RunningManagement;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RabbitMQ's own command line tool, rabbitmqadmin (from Debian's rabbitmq-server), against Warren's API. */
class RabbitmqadminTest {
    @RegisterExtension
    static final RunningManagement mgmt = new RunningManagement();

    private static final File TOOL = ExternalTool.onPath("rabbitmqadmin");

    private record Result(int exit, String out) {
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", TOOL.getPath(), "-H", "127.0.0.1",
                "-P", String.valueOf(mgmt.httpPort()), "-u", "guest", "-p", "guest"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private static String ok(String... args) throws Exception {
        Result r = run(args);
        assertEquals(0, r.exit(), String.join(" ", args) + " said: " + r.out());
        return r.out();
    }

    @Test
    void declareListPublishGetPurgeAndDeleteWork() throws Exception {
        ExternalTool.require(TOOL != null, "rabbitmqadmin is not on the PATH (Debian's rabbitmq-server package has it)");
        ok("declare", "exchange", "name=shop", "type=topic");
        ok("declare", "queue", "name=orders", "durable=true", "arguments={\"x-max-length\":1000}");
        ok("declare", "binding", "source=shop", "destination=orders", "routing_key=eu.#");
        assertTrue(ok("list", "exchanges").contains("shop"));
        assertTrue(ok("list", "bindings").contains("eu.#"));
        ok("publish", "exchange=shop", "routing_key=eu.fr", "payload=bonjour");
        String queues = ok("-f", "tsv", "-q", "list", "queues", "name", "messages");
        assertTrue(queues.contains("orders\t1"), queues);
        String got = ok("get", "queue=orders", "ackmode=ack_requeue_false");
        assertTrue(got.contains("bonjour"), got);
        assertTrue(ok("show", "overview").contains("3.10.8"));
        ok("list", "connections");
        ok("list", "channels");
        ok("list", "consumers");
        ok("list", "users");
        ok("list", "vhosts");
        ok("list", "permissions");
        ok("list", "policies");
        ok("list", "nodes");
        ok("declare", "vhost", "name=staging");
        ok("declare", "user", "name=ops", "password=secret", "tags=monitoring");
        ok("declare", "permission", "vhost=staging", "user=ops", "configure=.*", "write=.*", "read=.*");
        ok("declare", "policy", "name=cap", "pattern=^orders$", "definition={\"max-length\":10}");
        ok("purge", "queue", "name=orders");
        ok("delete", "binding", "source=shop", "destination_type=queue", "destination=orders",
                "properties_key=eu.#");
        ok("delete", "queue", "name=orders");
        ok("delete", "exchange", "name=shop");
        Result missing = run("delete", "queue", "name=orders");
        assertTrue(missing.out().contains("Not found"), missing.out());
        List<String> bad = List.of("python3", TOOL.getPath(), "-P", String.valueOf(mgmt.httpPort()), "-u", "guest",
                "-p", "bad", "list", "queues");
        Process p = new ProcessBuilder(bad).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertTrue(out.contains("Access refused"), out);
    }

    /** Every type rabbitmqadmin 3.10 can list, each with at least one object of its kind where Warren has any. */
    private static final List<String> LISTABLE = List.of("connections", "channels", "consumers", "exchanges", "queues",
            "bindings", "users", "vhosts", "permissions", "nodes", "parameters", "policies", "operator_policies",
            "vhost_limits");

    @Test
    void everyListWithItsDefaultColumnsAndTheQueuePolicyColumnPrintsATable() throws Exception {
        ExternalTool.require(TOOL != null, "rabbitmqadmin is not on the PATH (Debian's rabbitmq-server package has it)");
        ok("declare", "exchange", "name=listed.x", "type=topic");
        ok("declare", "queue", "name=listed.plain", "durable=false");
        ok("declare", "queue", "name=listed.capped", "durable=false");
        ok("declare", "policy", "name=listed-cap", "pattern=^listed\\.capped$", "definition={\"max-length\":5}",
                "apply-to=queues");
        ok("declare", "binding", "source=listed.x", "destination=listed.plain", "routing_key=a.#");
        ok("declare", "vhost", "name=listed-vhost");
        ok("declare", "user", "name=listed-user", "password=secret", "tags=");
        ok("declare", "permission", "vhost=listed-vhost", "user=listed-user", "configure=.*", "write=.*", "read=.*");
        ok("declare", "vhost_limit", "vhost=listed-vhost", "name=max-connections", "value=100");
        ok("declare", "parameter", "component=federation-upstream", "name=dc2", "value={\"uri\":\"amqp://dc2\"}");
        com.rabbitmq.client.Connection c = mgmt.broker().connect();
        com.rabbitmq.client.Channel ch = c.createChannel();
        ch.basicConsume("listed.plain", false, new com.rabbitmq.client.DefaultConsumer(ch));
        // the queues' policy is applied on their own threads; the listing must show it before we compare
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(
                () -> mgmt.get("/api/queues/%2F/listed.capped").json().path("policy").asText().equals("listed-cap"));
        for (String type : LISTABLE) {
            String out = ok("list", type);
            assertTrue(!out.contains("Traceback"), "list " + type + " said: " + out);
            if (!type.equals("operator_policies")) { // Warren has none; rabbitmqadmin says nothing, as for RabbitMQ
                assertTrue(out.startsWith("+"), "list " + type + " printed no table: " + out);
            }
        }
        String policies = ok("list", "queues", "name", "messages", "policy");
        assertTrue(policies.matches("(?s).*\\| listed\\.plain +\\| 0 +\\| +\\|.*"), policies);
        assertTrue(policies.matches("(?s).*\\| listed\\.capped +\\| 0 +\\| listed-cap +\\|.*"), policies);
        assertTrue(ok("list", "vhost_limits").contains("{\"max-connections\": 100}"));
        assertTrue(ok("list", "parameters").contains("federation-upstream"));
        assertTrue(ok("list", "consumers").contains("listed.plain") || ok("-f", "tsv", "list", "consumers",
                "queue.name").contains("listed.plain"));
        c.close();
    }
}
