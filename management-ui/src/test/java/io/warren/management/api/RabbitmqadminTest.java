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
}
