package io.warren.server;

import io.warren.ctl.WarrenCtl;
import java.util.ArrayList;
import java.util.List;

/**
 * java -jar warren.jar cluster status|join NAME HOST:PORT|leave NAME [warrenctl options]: the cluster commands of
 * warrenctl (cluster_status, join_cluster, forget_cluster_node) under the names the issue gave them.
 */
final class ClusterCommand {
    private static final java.util.Set<String> NO_VALUE = java.util.Set.of("-q", "--quiet", "-s", "--silent",
            "--no-table-headers");

    private ClusterCommand() {
    }

    static int run(String[] args) {
        String[] ctl = ctlArgs(args);
        if (ctl == null) {
            System.err.println("usage: java -jar warren.jar cluster status|join NAME HOST:PORT|leave NAME "
                    + "[--url http://member:15672] [--username U --password P]");
            return 64;
        }
        return WarrenCtl.run(ctl, System.out, System.err);
    }

    /** The warrenctl command line for "cluster SUB ...", or null when SUB is not one of status, join, leave. */
    static String[] ctlArgs(String[] args) {
        List<String> out = new ArrayList<>();
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        String sub = rest.isEmpty() ? "" : rest.remove(0);
        String command = switch (sub) {
            case "status" -> "cluster_status";
            case "join" -> "join_cluster";
            case "leave" -> "forget_cluster_node";
            default -> null;
        };
        if (command == null) {
            return null;
        }
        // options first, as warrenctl reads them: everything starting with - and its value
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.startsWith("-")) {
                out.add(a);
                if (!a.contains("=") && i + 1 < rest.size() && !NO_VALUE.contains(a)) {
                    out.add(rest.get(++i));
                }
            } else {
                positional.add(a);
            }
        }
        out.add(command);
        out.addAll(positional);
        return out.toArray(String[]::new);
    }
}
