package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.InfoItems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** add_vhost, delete_vhost, list_vhosts. */
public final class VhostCommands {
    static final InfoItems VHOSTS = new InfoItems("vhosts", "name")
            .fields("name", "description", "tags", "default_queue_type", "tracing", "messages", "messages_ready",
                    "messages_unacknowledged");

    private VhostCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("add_vhost",
                        "add_vhost <vhost> [--description text] [--tags t1,t2] [--default-queue-type type]",
                        "Creates a virtual host (the user running the command gets full permissions in it, as"
                                + " with the HTTP API); on an existing one, updates the metadata given.", 1, 1,
                        VhostCommands::addVhost, "description", "tags", "default-queue-type"),
                CommandSpec.of("delete_vhost", "delete_vhost <vhost>",
                        "Deletes a virtual host with all its queues, exchanges, bindings, permissions and policies.",
                        1, 1, VhostCommands::deleteVhost),
                CommandSpec.of("list_vhosts", "list_vhosts [vhostinfoitem ...]",
                        "Lists virtual hosts (default item: name).", 0, -1,
                        ctx -> ListCommands.list(ctx, VHOSTS, "/api/vhosts", "Listing vhosts ...")));
    }

    /** The vhost as the API shows it; a data error (65, as rabbitmqctl's no_such_vhost) when there is none. */
    static JsonNode vhost(Context ctx, String name) {
        try {
            return ctx.api().get("/api/vhosts/" + seg(name));
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? CtlException.data("no such vhost '" + name + "'") : e;
        }
    }

    private static int addVhost(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Adding vhost \"" + name + "\" ...");
        Map<String, Object> body = new LinkedHashMap<>();
        if (ctx.args().option("description") != null) {
            body.put("description", ctx.args().option("description"));
        }
        if (ctx.args().option("tags") != null) {
            body.put("tags", ctx.args().option("tags"));
        }
        if (ctx.args().option("default-queue-type") != null) {
            body.put("default_queue_type", ctx.args().option("default-queue-type"));
        }
        ctx.api().put("/api/vhosts/" + seg(name), body);
        return ExitCodes.OK;
    }

    private static int deleteVhost(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Deleting vhost \"" + name + "\" ...");
        try {
            ctx.api().delete("/api/vhosts/" + seg(name));
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? CtlException.data("no such vhost '" + name + "'") : e;
        }
        return ExitCodes.OK;
    }
}
