package io.warren.server.jepsen;

import io.warren.server.faults.ClusterProcesses;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each queue lives now, from the management API: a classic queue's home node (its "node"), a quorum
 * queue's leader (its "leader" when the API gives one, as RabbitMQ's does, else its "node").
 */
final class QueueHomes {
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern NODE = Pattern.compile("\"node\"\\s*:\\s*\"([^\"]+)\"");

    private final ClusterProcesses cluster;

    QueueHomes(ClusterProcesses cluster) {
        this.cluster = cluster;
    }

    /** The index of the node holding the queue (asked of node `via`), or -1 when no node answers it. */
    int of(String queue, int via) {
        try {
            String r = cluster.get(via, "/api/queues/%2F/" + URLEncoder.encode(queue, StandardCharsets.UTF_8));
            if (!r.startsWith("200 ")) {
                return -1;
            }
            Matcher m = LEADER.matcher(r);
            if (!m.find()) {
                m = NODE.matcher(r);
                if (!m.find()) {
                    return -1;
                }
            }
            return cluster.indexOf(m.group(1));
        } catch (Exception e) {
            return -1;
        }
    }
}
