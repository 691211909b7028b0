package io.warren.ctl;

/** The help text: the general one and one command's. */
final class Usage {
    private Usage() {
    }

    static String general(CommandTable table) {
        StringBuilder b = new StringBuilder("""
                usage: warrenctl [options] <command> [arguments]

                Talks to a running Warren broker over its management HTTP API.
                Options:
                  --url URL             management API (default http://localhost:15672)
                  --username NAME       user to log in as (default guest)
                  --password PASSWORD   its password (default guest)
                  --config FILE         the broker's config file: http-port, bind, ctl-username, ctl-password
                  -p, --vhost VHOST     virtual host (default /)
                  -q, --quiet           no informational messages
                  -s, --silent          no informational messages and no table headers
                  --no-table-headers    no header line above tables
                  --formatter table|json  output format of listings (default table)
                  -t, --timeout SECS    give up on a request after this long (default: wait)
                Exit codes: 0 ok, 64 usage, 65 data error (e.g. not found), 67 no such user,
                  69 broker unreachable, 70 software error, 75 timeout, 77 login refused, 78 bad config file.

                Commands:
                """);
        for (CommandSpec s : table.all()) {
            b.append("  ").append(s.usage()).append('\n');
        }
        b.append("\nRun 'warrenctl help <command>' for one command.\n");
        return b.toString();
    }

    static String of(CommandSpec spec) {
        return "usage: warrenctl " + spec.usage() + "\n  " + spec.summary() + "\n";
    }
}
