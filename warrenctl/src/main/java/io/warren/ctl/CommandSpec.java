package io.warren.ctl;

import java.util.Set;

/**
 * A command as the table lists it: its name, its usage line, what it does, how many positional arguments it takes
 * (maxArgs -1: any number) and the options of its own it accepts besides the global ones.
 */
public record CommandSpec(String name, String usage, String summary, int minArgs, int maxArgs, Set<String> options,
                          Command command) {

    public static CommandSpec of(String name, String usage, String summary, int minArgs, int maxArgs,
                                 Command command, String... options) {
        return new CommandSpec(name, usage, summary, minArgs, maxArgs, Set.of(options), command);
    }
}
