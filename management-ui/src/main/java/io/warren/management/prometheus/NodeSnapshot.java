package io.warren.management.prometheus;

import com.sun.management.UnixOperatingSystemMXBean;
import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.BrokerCountersView;
import io.warren.broker.admin.ConnectionCountsView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.alarm.AlarmStatus;
import io.warren.broker.alarm.Resource;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Everything one scrape reports about the node, read once at the start of the scrape so that all families agree:
 * message totals and counters (a pass over the channels), queue sums (a pass over the queues, no view per queue),
 * connection counts, alarms and file descriptors.
 */
record NodeSnapshot(MessageTotalsView totals, BrokerCountersView counters, ConnectionCountsView connections,
                    long queues, long ready, long unacked, long consumers, AlarmStatus alarms, double openFds,
                    double maxFds) {

    static NodeSnapshot take(BrokerAdmin admin) {
        long queues = 0;
        long ready = 0;
        long unacked = 0;
        long consumers = 0;
        for (String v : admin.access().vhosts()) {
            try {
                var t = admin.topology().localQueueTotals(v);
                queues += t.queues();
                ready += t.ready();
                unacked += t.unacked();
                consumers += t.consumers();
            } catch (AdminException e) {
                // the vhost went away since it was listed
            }
        }
        double openFds = Double.NaN;
        double maxFds = Double.NaN;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            openFds = unix.getOpenFileDescriptorCount();
            maxFds = unix.getMaxFileDescriptorCount();
        }
        return new NodeSnapshot(admin.totals(), admin.counters(), admin.connections().counts(), queues, ready,
                unacked, consumers, admin.alarmStatus(), openFds, maxFds);
    }

    double alarm(Resource r) {
        return alarms.active().contains(r) ? 1 : 0;
    }
}
