package io.warren.cluster.state;

import io.warren.cluster.log.ChangeRecorder;
import io.warren.cluster.log.DefinitionChange;
import io.warren.cluster.transients.TransientExchangeRow;
import io.warren.cluster.transients.TransientOps;
import io.warren.cluster.transients.TransientQueueRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What brings memory from one set of transient definitions to another (an installed snapshot). */
final class TransientResync {
    private TransientResync() {
    }

    /** The deletes of what is gone, then the puts of everything after (puts of what is there change nothing). */
    static List<DefinitionChange> changes(List<DefinitionChange> before, List<DefinitionChange> after) {
        Set<List<String>> kept = new HashSet<>();
        after.forEach(c -> kept.add(identity(c)));
        List<DefinitionChange> out = new ArrayList<>();
        for (DefinitionChange c : before) {
            List<String> id = identity(c);
            if (id == null || kept.contains(id)) {
                continue;
            }
            String op = c.op().equals(TransientOps.PUT_QUEUE) ? TransientOps.DELETE_QUEUE
                    : TransientOps.DELETE_EXCHANGE;
            out.add(ChangeRecorder.change(op, "snapshot", 0, null, id.get(1), id.get(2)));
        }
        out.addAll(after);
        return out;
    }

    // queues and exchanges by name; bindings go with their ends
    private static List<String> identity(DefinitionChange c) {
        return switch (c.op()) {
            case TransientOps.PUT_QUEUE -> {
                TransientQueueRow q = c.row(TransientQueueRow.class);
                yield List.of("q", q.vhost(), q.name());
            }
            case TransientOps.PUT_EXCHANGE -> {
                TransientExchangeRow x = c.row(TransientExchangeRow.class);
                yield List.of("x", x.vhost(), x.name());
            }
            default -> null;
        };
    }
}
