package io.warren.ctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Set;

/**
 * warrenctl: rabbitmqctl's scripted commands (list_queues, add_user, set_policy, ...) for a running Warren broker,
 * over its management HTTP API.
 */
public final class WarrenCtl {
    /** Options every command accepts. */
    static final Set<String> GLOBAL_OPTIONS = Set.of("vhost", "timeout", "url", "username", "password", "config",
            "formatter", "quiet", "silent", "no-table-headers", "help");

    private WarrenCtl() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.in, System.out, System.err));
    }

    /** Runs one command line; returns the exit code instead of exiting, so that tests can call it. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(argv, System.in, out, err);
    }

    public static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        CommandTable table = new CommandTable();
        Args args;
        try {
            args = Args.parse(argv);
        } catch (CtlException e) {
            err.println("Error: " + e.getMessage());
            err.print(Usage.general(table));
            return e.exitCode();
        }
        if (args.command() == null || args.command().equals("help")) {
            if (args.command() != null && !args.positional().isEmpty()) {
                CommandSpec spec = table.get(args.positional(0));
                if (spec != null) {
                    out.print(Usage.of(spec));
                    return ExitCodes.OK;
                }
            }
            (args.command() == null && !args.flag("help") ? err : out).print(Usage.general(table));
            return args.command() == null && !args.flag("help") ? ExitCodes.USAGE : ExitCodes.OK;
        }
        CommandSpec spec = table.get(args.command());
        if (spec == null) {
            err.println("Error: unknown command '" + args.command() + "'. Run 'warrenctl help' for the list.");
            return ExitCodes.USAGE;
        }
        if (args.flag("help")) {
            out.print(Usage.of(spec));
            return ExitCodes.OK;
        }
        try {
            check(spec, args);
            return spec.command().run(new Context(args, new Output(out, args), in));
        } catch (CtlException e) {
            err.println("Error: " + e.getMessage());
            if (e.exitCode() == ExitCodes.USAGE) {
                err.print(Usage.of(spec));
            }
            return e.exitCode();
        } catch (RuntimeException e) {
            err.println("Error: " + e);
            return ExitCodes.SOFTWARE;
        }
    }

    private static void check(CommandSpec spec, Args args) {
        for (String o : args.optionNames()) {
            if (!GLOBAL_OPTIONS.contains(o) && !spec.options().contains(o)) {
                throw CtlException.usage(spec.name() + " takes no option --" + o);
            }
        }
        int n = args.positional().size();
        if (n < spec.minArgs()) {
            throw CtlException.usage("not enough arguments for " + spec.name());
        }
        if (spec.maxArgs() >= 0 && n > spec.maxArgs()) {
            throw CtlException.usage("too many arguments for " + spec.name());
        }
    }
}
