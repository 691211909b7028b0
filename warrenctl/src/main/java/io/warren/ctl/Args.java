package io.warren.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: the command, its positional arguments and the options given anywhere around them (as
 * rabbitmqctl, options may come before or after the command). Short options are stored under their long names.
 */
public final class Args {
    /** Options that take a value, by long name; the short ones map onto these. */
    static final Set<String> VALUE_OPTIONS = Set.of("vhost", "timeout", "url", "username", "password", "config",
            "formatter", "priority", "apply-to", "description", "tags", "default-queue-type", "partitions",
            "max-length-bytes", "max-age", "stream-max-segment-size-bytes");
    static final Set<String> FLAG_OPTIONS = Set.of("quiet", "silent", "no-table-headers", "if-empty", "if-unused",
            "help", "online", "offline", "local");
    private static final Map<String, String> SHORT = Map.of("-p", "vhost", "-t", "timeout", "-q", "quiet",
            "-s", "silent", "-e", "if-empty", "-u", "if-unused", "-h", "help");

    private final String command;
    private final List<String> positional;
    private final Map<String, String> options;

    private Args(String command, List<String> positional, Map<String, String> options) {
        this.command = command;
        this.positional = positional;
        this.options = options;
    }

    /** Parses the arguments; throws a usage error for an unknown option or one without its value. */
    public static Args parse(String[] argv) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean onlyWords = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (onlyWords || a.equals("-") || !a.startsWith("-")) {
                words.add(a);
                continue;
            }
            if (a.equals("--")) {
                onlyWords = true;
                continue;
            }
            String name;
            String value = null;
            if (a.startsWith("--")) {
                name = a.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
            } else {
                name = SHORT.get(a);
                if (name == null) {
                    throw CtlException.usage("unknown option '" + a + "'");
                }
            }
            if (VALUE_OPTIONS.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw CtlException.usage("option '" + a + "' needs a value");
                    }
                    value = argv[++i];
                }
            } else if (FLAG_OPTIONS.contains(name)) {
                if (value != null) {
                    throw CtlException.usage("option '--" + name + "' takes no value");
                }
                value = "true";
            } else {
                throw CtlException.usage("unknown option '" + a + "'");
            }
            options.put(name, value);
        }
        String command = words.isEmpty() ? null : words.remove(0);
        return new Args(command, List.copyOf(words), options);
    }

    /** The command name, or null when none was given. */
    public String command() {
        return command;
    }

    public List<String> positional() {
        return positional;
    }

    public String positional(int i) {
        return positional.get(i);
    }

    public String option(String name) {
        return options.get(name);
    }

    public String option(String name, String dflt) {
        return options.getOrDefault(name, dflt);
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public Set<String> optionNames() {
        return options.keySet();
    }

    public String vhost() {
        return option("vhost", "/");
    }

    /** The --timeout in seconds, or the default when none was given. */
    public double timeoutSeconds(double dflt) {
        String t = option("timeout");
        if (t == null || t.equalsIgnoreCase("infinity")) {
            return t == null ? dflt : Double.POSITIVE_INFINITY;
        }
        try {
            double s = Double.parseDouble(t);
            if (s <= 0) {
                throw CtlException.usage("--timeout must be a positive number of seconds, got '" + t + "'");
            }
            return s;
        } catch (NumberFormatException e) {
            throw CtlException.usage("--timeout must be a number of seconds, got '" + t + "'");
        }
    }
}
