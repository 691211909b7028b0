package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** add_super_stream and delete_super_stream, as rabbitmq-streams names them, through /api/super-streams. */
public final class SuperStreamCommands {
    private SuperStreamCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("add_super_stream", "add_super_stream [-p vhost] <name> --partitions <n> "
                                + "[--max-length-bytes <bytes>] [--max-age <age>] "
                                + "[--stream-max-segment-size-bytes <bytes>]",
                        "Creates a super stream: an x-consistent-hash exchange <name> and <n> streams <name>-0.."
                                + " bound to it, each routing key's messages to one of them.", 1, 1,
                        SuperStreamCommands::add, "partitions", "max-length-bytes", "max-age",
                        "stream-max-segment-size-bytes"),
                CommandSpec.of("delete_super_stream", "delete_super_stream [-p vhost] <name>",
                        "Deletes a super stream: its exchange and every partition stream with its messages.", 1, 1,
                        SuperStreamCommands::delete));
    }

    private static String path(Context ctx) {
        return "/api/super-streams/" + seg(ctx.vhost()) + "/" + seg(ctx.arg(0));
    }

    private static int add(Context ctx) {
        String partitions = ctx.args().option("partitions");
        if (partitions == null) {
            throw CtlException.usage("add_super_stream needs --partitions <n>");
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        number(ctx, "max-length-bytes", "x-max-length-bytes", arguments);
        number(ctx, "stream-max-segment-size-bytes", "x-stream-max-segment-size-bytes", arguments);
        if (ctx.args().option("max-age") != null) {
            arguments.put("x-max-age", ctx.args().option("max-age"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("partitions", whole(partitions, "partitions"));
        body.put("arguments", arguments);
        ctx.out().info("Adding super stream '" + ctx.arg(0) + "' to vhost '" + ctx.vhost() + "' ...");
        ctx.api().put(path(ctx), body);
        return ExitCodes.OK;
    }

    private static void number(Context ctx, String option, String argument, Map<String, Object> arguments) {
        String v = ctx.args().option(option);
        if (v != null) {
            arguments.put(argument, whole(v, option));
        }
    }

    private static long whole(String value, String option) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw CtlException.usage("--" + option + " must be a whole number, not '" + value + "'");
        }
    }

    private static int delete(Context ctx) {
        ctx.out().info("Deleting super stream '" + ctx.arg(0) + "' in vhost '" + ctx.vhost() + "' ...");
        try {
            ctx.api().delete(path(ctx));
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? CtlException.data("no super stream '" + ctx.arg(0) + "' in vhost '"
                    + ctx.vhost() + "'") : e;
        }
        return ExitCodes.OK;
    }
}
