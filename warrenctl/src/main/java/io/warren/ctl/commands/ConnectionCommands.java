package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import java.util.List;

/** close_connection (list_connections is with the other listings). */
public final class ConnectionCommands {
    private ConnectionCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(CommandSpec.of("close_connection", "close_connection <connection_name> [explanation]",
                "Closes a client connection, named as list_connections name (or pid) shows it.", 1, 2,
                ConnectionCommands::close));
    }

    private static int close(Context ctx) {
        String name = ctx.arg(0);
        String reason = ctx.args().positional().size() > 1 ? ctx.arg(1) : "Closed via warrenctl";
        if (reason.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            // it travels in an HTTP header (X-Reason), which cannot carry line breaks or other control characters
            throw CtlException.data("the explanation must be one line without control characters");
        }
        ctx.out().info("Closing connection \"" + name + "\", reason: " + reason + "...");
        try {
            ctx.api().delete("/api/connections/" + seg(name), reason);
        } catch (ApiClient.ApiError e) {
            throw e.status() == 404 ? CtlException.data("no connection '" + name + "' (list_connections name"
                    + " shows the names)") : e;
        }
        return ExitCodes.OK;
    }
}
