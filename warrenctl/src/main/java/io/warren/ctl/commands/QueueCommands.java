package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import java.util.List;

/** purge_queue and delete_queue. */
public final class QueueCommands {
    private QueueCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("purge_queue", "purge_queue [-p vhost] <queue>",
                        "Removes every ready message from a queue.", 1, 1, QueueCommands::purge),
                CommandSpec.of("delete_queue", "delete_queue [-p vhost] <queue> [--if-empty|-e] [--if-unused|-u]",
                        "Deletes a queue; with --if-empty only when it holds no ready messages, with --if-unused"
                                + " only when it has no consumers.", 1, 1, QueueCommands::delete,
                        "if-empty", "if-unused"));
    }

    private static String path(Context ctx) {
        return "/api/queues/" + seg(ctx.vhost()) + "/" + seg(ctx.arg(0));
    }

    private static JsonNode queue(Context ctx) {
        try {
            return ctx.api().get(path(ctx));
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? CtlException.data("no queue '" + ctx.arg(0) + "' in vhost '" + ctx.vhost()
                    + "'") : e;
        }
    }

    private static int purge(Context ctx) {
        ctx.out().info("Purging queue '" + ctx.arg(0) + "' in vhost '" + ctx.vhost() + "' ...");
        queue(ctx);
        ctx.api().delete(path(ctx) + "/contents");
        return ExitCodes.OK;
    }

    private static int delete(Context ctx) {
        boolean ifEmpty = ctx.args().flag("if-empty");
        boolean ifUnused = ctx.args().flag("if-unused");
        ctx.out().info("Deleting queue '" + ctx.arg(0) + "' on vhost '" + ctx.vhost() + "' ...");
        JsonNode q = queue(ctx);
        // the API checks the conditions itself; these checks only give the reason in words a person reads
        if (ifEmpty && q.path("messages_ready").asLong() > 0) {
            throw CtlException.data("queue '" + ctx.arg(0) + "' is not empty: it holds "
                    + q.path("messages_ready").asLong() + " ready messages");
        }
        if (ifUnused && q.path("consumers").asLong() > 0) {
            throw CtlException.data("queue '" + ctx.arg(0) + "' is in use: it has " + q.path("consumers").asLong()
                    + " consumers");
        }
        String query = ifEmpty && ifUnused ? "?if-empty=true&if-unused=true"
                : ifEmpty ? "?if-empty=true" : ifUnused ? "?if-unused=true" : "";
        ctx.api().delete(path(ctx) + query);
        ctx.out().line("Queue was successfully deleted with " + q.path("messages").asLong() + " messages");
        return ExitCodes.OK;
    }
}
