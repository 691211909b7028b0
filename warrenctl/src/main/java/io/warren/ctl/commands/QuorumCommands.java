package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.Output;
import java.util.List;
import java.util.Map;

/**
 * add_member, delete_member, grow and shrink, as rabbitmq-queues has them, through the management API's
 * /api/queues/quorum/... paths. Warren replicates quorum queues in shards: each change moves a whole shard's
 * replica, and the output lists every queue of it.
 */
public final class QuorumCommands {
    private QuorumCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("add_member", "add_member [-p vhost] <queue> <node>",
                        "Adds a replica of a quorum queue on the node: the node joins the queue's shard, so every "
                                + "quorum queue of that shard gains it.", 2, 2, QuorumCommands::addMember),
                CommandSpec.of("delete_member", "delete_member [-p vhost] <queue> <node>",
                        "Removes the node's replica of a quorum queue (of its whole shard); the last one is kept.",
                        2, 2, QuorumCommands::deleteMember),
                CommandSpec.of("grow", "grow <node> <all|even>",
                        "Adds the node to every quorum shard it does not replicate (all) or to those with an even "
                                + "number of members (even).", 2, 2, QuorumCommands::grow),
                CommandSpec.of("shrink", "shrink <node>",
                        "Removes the node from every quorum shard it replicates, except those it is the last "
                                + "member of.", 1, 1, QuorumCommands::shrink));
    }

    private static String queuePath(Context ctx) {
        return "/api/queues/quorum/" + seg(ctx.vhost()) + "/" + seg(ctx.arg(0)) + "/replicas/";
    }

    private static int addMember(Context ctx) {
        ctx.out().info("Adding a replica for queue '" + ctx.arg(0) + "' in vhost '" + ctx.vhost() + "' on node "
                + ctx.arg(1) + " ...");
        return print(ctx, ctx.api().post(queuePath(ctx) + "add", Map.of("node", ctx.arg(1))));
    }

    private static int deleteMember(Context ctx) {
        ctx.out().info("Removing the replica of queue '" + ctx.arg(0) + "' in vhost '" + ctx.vhost() + "' on node "
                + ctx.arg(1) + " ...");
        return print(ctx, ctx.api().deleteWithBody(queuePath(ctx) + "delete", Map.of("node", ctx.arg(1))));
    }

    private static int grow(Context ctx) {
        ctx.out().info("Growing quorum shards onto node " + ctx.arg(0) + " (" + ctx.arg(1) + ") ...");
        return print(ctx, ctx.api().post("/api/queues/quorum/replicas/on/" + seg(ctx.arg(0)) + "/grow",
                Map.of("strategy", ctx.arg(1))));
    }

    private static int shrink(Context ctx) {
        ctx.out().info("Shrinking quorum shards off node " + ctx.arg(0) + " ...");
        return print(ctx, ctx.api().delete("/api/queues/quorum/replicas/on/" + seg(ctx.arg(0)) + "/shrink"));
    }

    private static int print(Context ctx, JsonNode change) {
        Output out = ctx.out();
        if (out.json()) {
            out.printJson(change);
            return ExitCodes.OK;
        }
        if (change == null) {
            return ExitCodes.OK;
        }
        for (JsonNode s : change.path("shards")) {
            StringBuilder queues = new StringBuilder();
            for (JsonNode q : s.path("queues")) {
                queues.append(queues.length() == 0 ? "" : ", ").append(q.path("vhost").asText()).append(' ')
                        .append(q.path("name").asText());
            }
            out.line("shard " + s.path("shard").asInt() + "\tmembers " + s.path("members") + "\tqueues: "
                    + (queues.length() == 0 ? "none" : queues));
        }
        for (JsonNode skipped : change.path("skipped")) {
            out.line("skipped: " + skipped.asText());
        }
        return ExitCodes.OK;
    }
}
