package io.warren.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.Output;
import java.util.List;
import java.util.Map;

/** cluster_status, join_cluster and forget_cluster_node, through a member's /api/cluster. */
public final class ClusterCommands {
    private ClusterCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("cluster_status", "cluster_status",
                        "Shows the cluster's members as the node at --url sees them: role, address, reachable.",
                        0, 0, ClusterCommands::status),
                CommandSpec.of("join_cluster", "join_cluster <name> <host:port>",
                        "Adds a started node (its --node-name and the host and --cluster-port of its cluster "
                                + "traffic) to the cluster of the node at --url.", 2, 2, ClusterCommands::join),
                CommandSpec.of("forget_cluster_node", "forget_cluster_node <name>",
                        "Removes a node from the cluster of the node at --url.", 1, 1, ClusterCommands::forget));
    }

    private static int status(Context ctx) {
        JsonNode c = ctx.api().get("/api/cluster");
        Output out = ctx.out();
        if (out.json()) {
            out.printJson(c);
            return ExitCodes.OK;
        }
        out.info("Cluster status of node " + c.path("node").asText() + " ...");
        if (!c.path("clustered").asBoolean()) {
            out.line("Not in a cluster: a single node (started without --cluster-port or --cluster-nodes)");
        }
        for (JsonNode n : c.path("nodes")) {
            out.line(n.path("name").asText() + "\t" + n.path("address").asText("-") + "\t" + n.path("role").asText()
                    + (n.path("reachable").asBoolean() ? "" : "\tunreachable")
                    + (n.path("self").asBoolean() ? "\t(this node)" : ""));
        }
        return ExitCodes.OK;
    }

    private static int join(Context ctx) {
        ctx.out().info("Adding node " + ctx.arg(0) + " at " + ctx.arg(1) + " to the cluster ...");
        ctx.api().post("/api/cluster/nodes", Map.of("name", ctx.arg(0), "address", ctx.arg(1)));
        return ExitCodes.OK;
    }

    private static int forget(Context ctx) {
        ctx.out().info("Removing node " + ctx.arg(0) + " from the cluster ...");
        ctx.api().delete("/api/cluster/nodes/" + ApiClient.seg(ctx.arg(0)));
        return ExitCodes.OK;
    }
}
