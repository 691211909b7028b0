package io.warren.management.metrics;

import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.QueueView;
import java.util.ArrayList;
import java.util.List;

/** Every queue of every vhost that lives on this node (each node exports its own), for the per-object scrapes. */
public final class AllQueues {
    private AllQueues() {
    }

    /** A view of each queue as it is now; a vhost deleted while it is read is passed over. */
    public static List<QueueView> of(BrokerAdmin admin) {
        List<QueueView> queues = new ArrayList<>();
        for (String v : admin.access().vhosts()) {
            try {
                admin.topology().forEachLocalQueue(v, queues::add);
            } catch (AdminException e) {
                // the vhost went away since it was listed
            }
        }
        return queues;
    }
}
