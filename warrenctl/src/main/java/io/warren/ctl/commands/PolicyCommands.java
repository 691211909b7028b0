package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import io.warren.ctl.InfoItems;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** set_policy, clear_policy, list_policies. */
public final class PolicyCommands {
    static final InfoItems POLICIES = new InfoItems("policies", "vhost", "name", "pattern", "apply-to",
            "definition", "priority").fields("vhost", "name", "pattern", "apply-to", "definition", "priority");
    private static final Set<String> APPLY_TO = Set.of("all", "queues", "exchanges", "classic_queues",
            "quorum_queues", "streams");

    private PolicyCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("set_policy", "set_policy [-p vhost] [--priority N] [--apply-to all|queues|exchanges]"
                                + " <name> <pattern> <definition>",
                        "Sets a policy: queues and/or exchanges whose names match the pattern (a regular"
                                + " expression) get the definition (a JSON object).", 3, 3,
                        PolicyCommands::setPolicy, "priority", "apply-to"),
                CommandSpec.of("clear_policy", "clear_policy [-p vhost] <name>",
                        "Removes a policy.", 1, 1, PolicyCommands::clearPolicy),
                CommandSpec.of("list_policies", "list_policies [-p vhost]",
                        "Lists the policies of a vhost.", 0, -1,
                        ctx -> ListCommands.list(ctx, POLICIES, "/api/policies/" + seg(ctx.vhost()),
                                "Listing policies for vhost \"" + ctx.vhost() + "\" ...")));
    }

    private static int setPolicy(Context ctx) {
        String name = ctx.arg(0);
        String pattern = ctx.arg(1);
        JsonNode definition;
        try {
            definition = ApiClient.JSON.readTree(ctx.arg(2));
        } catch (IOException e) {
            throw CtlException.data("the policy definition is not JSON: " + ctx.arg(2));
        }
        if (definition == null || !definition.isObject()) {
            throw CtlException.data("the policy definition must be a JSON object, e.g. '{\"max-length\": 1000}'");
        }
        String applyTo = ctx.args().option("apply-to", "all");
        if (!APPLY_TO.contains(applyTo)) {
            throw CtlException.usage("--apply-to must be one of " + String.join(", ", APPLY_TO.stream().sorted()
                    .toList()) + ", got '" + applyTo + "'");
        }
        int priority;
        try {
            priority = Integer.parseInt(ctx.args().option("priority", "0"));
        } catch (NumberFormatException e) {
            throw CtlException.usage("--priority must be a whole number, got '" + ctx.args().option("priority") + "'");
        }
        ctx.out().info("Setting policy \"" + name + "\" for pattern \"" + pattern + "\" to \"" + definition
                + "\" with priority \"" + priority + "\" for vhost \"" + ctx.vhost() + "\" ...");
        VhostCommands.vhost(ctx, ctx.vhost());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pattern", pattern);
        body.put("definition", definition);
        body.put("priority", priority);
        body.put("apply-to", applyTo);
        ctx.api().put("/api/policies/" + seg(ctx.vhost()) + "/" + seg(name), body);
        return ExitCodes.OK;
    }

    private static int clearPolicy(Context ctx) {
        String name = ctx.arg(0);
        ctx.out().info("Clearing policy \"" + name + "\" on vhost \"" + ctx.vhost() + "\" ...");
        String path = "/api/policies/" + seg(ctx.vhost()) + "/" + seg(name);
        try {
            ctx.api().get(path);
        } catch (ApiClient.ApiError e) {
            // the API's DELETE of a missing policy succeeds; a script asking to clear one that is not there errs
            throw e.status() == 404 ? CtlException.data("no policy '" + name + "' in vhost '" + ctx.vhost() + "'")
                    : e;
        }
        ctx.api().delete(path);
        return ExitCodes.OK;
    }
}
