package io.warren.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.Output;
import java.time.Duration;
import java.util.List;

/** status and await_startup. */
public final class NodeCommands {
    /** As rabbitmqctl await_startup's default. */
    static final double AWAIT_DEFAULT_SECONDS = 300;
    private static final long POLL_MILLIS = 250;

    private NodeCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("status", "status",
                        "Shows the broker's version, node, uptime, memory, disk, listeners, alarms and totals.",
                        0, 0, NodeCommands::status),
                CommandSpec.of("await_startup", "await_startup [-t seconds]",
                        "Waits until the broker answers on its management API (default limit 300 s; exit code 75"
                                + " when it does not start in time).", 0, 0, NodeCommands::awaitStartup));
    }

    private static int status(Context ctx) {
        JsonNode overview = ctx.api().get("/api/overview");
        JsonNode nodes = ctx.api().get("/api/nodes");
        JsonNode node = nodes.isArray() && !nodes.isEmpty() ? nodes.get(0) : MissingNode.getInstance();
        Output out = ctx.out();
        if (out.json()) {
            ObjectNode o = overview.deepCopy();
            o.set("node_details", node);
            out.printJson(o);
            return ExitCodes.OK;
        }
        out.info("Status of node " + overview.path("node").asText() + " ...");
        out.line("Product name: " + overview.path("product_name").asText("Warren"));
        out.line("Product version: " + overview.path("product_version").asText());
        out.line("RabbitMQ API version: " + overview.path("rabbitmq_version").asText());
        out.line("Node: " + overview.path("node").asText());
        out.line("Uptime (seconds): " + node.path("uptime").asLong() / 1000);
        out.line("Memory used: " + node.path("mem_used").asLong() + " bytes, limit " + node.path("mem_limit").asLong()
                + " bytes");
        out.line("Disk free: " + node.path("disk_free").asLong() + " bytes");
        out.line("Processors: " + node.path("processors").asInt());
        for (JsonNode l : overview.path("listeners")) {
            out.line("Listener: " + l.path("protocol").asText() + " on port " + l.path("port").asText());
        }
        StringBuilder alarms = new StringBuilder();
        for (JsonNode a : overview.path("alarms")) {
            alarms.append(alarms.isEmpty() ? "" : ", ").append(a.path("resource").asText());
        }
        out.line("Alarms: " + (alarms.isEmpty() ? "(none)" : alarms));
        JsonNode t = overview.path("object_totals");
        out.line("Connections: " + t.path("connections").asLong() + ", channels: " + t.path("channels").asLong()
                + ", queues: " + t.path("queues").asLong() + ", consumers: " + t.path("consumers").asLong()
                + ", exchanges: " + t.path("exchanges").asLong());
        JsonNode q = overview.path("queue_totals");
        out.line("Messages: " + q.path("messages").asLong() + " (ready " + q.path("messages_ready").asLong()
                + ", unacknowledged " + q.path("messages_unacknowledged").asLong() + ")");
        return ExitCodes.OK;
    }

    /** Polls until the API answers; a refused login ends the wait at once (the broker is up, the login is wrong). */
    private static int awaitStartup(Context ctx) {
        double seconds = ctx.args().timeoutSeconds(AWAIT_DEFAULT_SECONDS);
        long deadline = System.nanoTime() + (Double.isInfinite(seconds) ? Long.MAX_VALUE / 2
                : Math.round(seconds * 1e9));
        ApiClient api = ctx.client(Duration.ofSeconds(5));
        ctx.out().info("Waiting for the broker at " + api.target().url() + " to start ...");
        while (true) {
            try {
                api.get("/api/overview");
                return ExitCodes.OK;
            } catch (CtlException e) {
                if (e.exitCode() != ExitCodes.UNAVAILABLE && e.exitCode() != ExitCodes.TEMP_FAIL) {
                    throw e;
                }
            }
            if (System.nanoTime() + POLL_MILLIS * 1_000_000 > deadline) {
                throw new CtlException(ExitCodes.TEMP_FAIL, "the broker at " + api.target().url()
                        + " did not start within " + ctx.args().option("timeout", "300") + " seconds");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CtlException(ExitCodes.SOFTWARE, "interrupted");
            }
        }
    }
}
