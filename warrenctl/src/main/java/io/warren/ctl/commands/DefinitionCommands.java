package io.warren.ctl.commands;

import static io.warren.ctl.ApiClient.seg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ctl.ApiClient;
import io.warren.ctl.CommandSpec;
import io.warren.ctl.Context;
import io.warren.ctl.CtlException;
import io.warren.ctl.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** export_definitions and import_definitions, in RabbitMQ's definitions format. */
public final class DefinitionCommands {
    private DefinitionCommands() {
    }

    public static List<CommandSpec> specs() {
        return List.of(
                CommandSpec.of("export_definitions", "export_definitions <file|->",
                        "Writes the broker's definitions (vhosts, users, permissions, policies, queues, exchanges,"
                                + " bindings, ...) as JSON to a file, or to standard output for -; with -p only"
                                + " that vhost's.", 1, 1, DefinitionCommands::export),
                CommandSpec.of("import_definitions", "import_definitions [file|-]",
                        "Loads definitions from a JSON file (standard input when none or -); with -p into that"
                                + " vhost.", 0, 1, DefinitionCommands::importDefinitions));
    }

    /** The broker-wide endpoint, or the one vhost's when -p is given. */
    private static String path(Context ctx) {
        String vhost = ctx.args().option("vhost");
        return vhost == null ? "/api/definitions" : "/api/definitions/" + seg(vhost);
    }

    private static int export(Context ctx) {
        String file = ctx.arg(0);
        JsonNode defs = ctx.api().get(path(ctx));
        if (file.equals("-")) {
            ctx.out().printJson(defs);
            return ExitCodes.OK;
        }
        ctx.out().info("Exporting definitions in JSON to a file at \"" + file + "\" ...");
        try {
            Files.write(Path.of(file), ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(defs));
        } catch (IOException | RuntimeException e) {
            throw CtlException.data("cannot write " + file + ": " + e.getMessage());
        }
        return ExitCodes.OK;
    }

    private static int importDefinitions(Context ctx) {
        String file = ctx.args().positional().isEmpty() ? "-" : ctx.arg(0);
        byte[] body;
        try {
            body = file.equals("-") ? ctx.in().readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw CtlException.data("cannot read " + (file.equals("-") ? "standard input" : file) + ": " + e);
        }
        JsonNode parsed;
        try {
            parsed = ApiClient.JSON.readTree(body);
        } catch (IOException e) {
            throw CtlException.data((file.equals("-") ? "standard input" : file) + " is not JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (parsed == null || !parsed.isObject()) {
            throw CtlException.data((file.equals("-") ? "standard input" : file)
                    + " is not a definitions file (a JSON object with vhosts, users, queues, ...)");
        }
        ctx.out().info("Importing definitions in JSON from " + (file.equals("-") ? "standard input"
                : "a file at \"" + file + "\"") + " ...");
        ctx.api().post(path(ctx), body);
        return ExitCodes.OK;
    }
}
