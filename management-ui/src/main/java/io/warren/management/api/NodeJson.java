package io.warren.management.api;

import com.sun.management.UnixOperatingSystemMXBean;
import io.warren.broker.admin.AlarmView;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.NodeStatusView;
import io.warren.broker.alarm.AlarmStatus;
import io.warren.management.json.ExchangeTypesJson;
import io.warren.management.metrics.ProcessMemory;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node as RabbitMQ's /api/nodes shows a node, measured now: memory against the high watermark, disk against
 * its limit, file descriptors, uptime. Fields RabbitMQ has and Warren cannot mean (Erlang processes, run queue)
 * are left out rather than faked; Java's own numbers come under names of Warren's (heap_*, mem_rss, java_*).
 */
final class NodeJson {
    private NodeJson() {
    }

    static Map<String, Object> of(ApiContext ctx) {
        BrokerAdmin admin = ctx.admin();
        AlarmStatus alarms = admin.alarmStatus();
        List<String> active = admin.alarms().stream().map(AlarmView::resource).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", admin.nodeName());
        out.put("type", "disc");
        out.put("running", true);
        out.put("os_pid", String.valueOf(ProcessHandle.current().pid()));
        // what the memory alarm compares with the high watermark: heap after the last collection plus direct memory
        out.put("mem_used", alarms.memoryUsed());
        out.put("mem_limit", alarms.memoryLimit());
        out.put("mem_alarm", active.contains("memory"));
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.put("heap_used", heap.getUsed());
        out.put("heap_max", heap.getMax());
        double rss = ProcessMemory.residentBytes();
        if (!Double.isNaN(rss)) {
            out.put("mem_rss", (long) rss);
        }
        out.put("disk_free", alarms.diskFree());
        out.put("disk_free_limit", alarms.diskFreeLimit());
        out.put("disk_free_alarm", active.contains("disk"));
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            out.put("fd_used", unix.getOpenFileDescriptorCount());
            out.put("fd_total", unix.getMaxFileDescriptorCount());
        }
        out.put("sockets_used", admin.connections().counts().connections());
        out.put("processors", Runtime.getRuntime().availableProcessors());
        out.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime());
        out.put("gc_num", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(n -> n > 0).sum());
        out.put("rates_mode", "basic");
        out.put("being_drained", false);
        out.put("partitions", List.of());
        out.put("product_name", "Warren");
        out.put("product_version", OverviewHandler.PRODUCT_VERSION);
        out.put("rabbitmq_version", OverviewHandler.RABBITMQ_API_VERSION);
        out.put("java_version", System.getProperty("java.version"));
        out.put("java_vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        out.put("os", os.getName() + " " + os.getVersion() + " " + os.getArch());
        out.put("data_dir", admin.dataDir().toAbsolutePath().toString());
        out.put("exchange_types", ExchangeTypesJson.of(admin.topology().exchangeTypes()));
        out.put("listeners", ctx.listeners());
        return out;
    }

    /**
     * Another member of the cluster, from its last status report: the same names for what it reports; what only
     * the node itself could tell (heap, RSS, OS, data directory) is left out. A member not running shows its name,
     * type and running false, as RabbitMQ shows a stopped node.
     */
    static Map<String, Object> of(ApiContext ctx, NodeStatusView n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", n.name());
        out.put("type", "disc");
        out.put("running", n.running());
        if (!n.running()) {
            out.put("being_drained", false);
            out.put("partitions", List.of());
            return out;
        }
        out.put("mem_used", n.memUsed());
        out.put("mem_limit", n.memLimit());
        out.put("mem_alarm", n.alarms().contains("memory"));
        out.put("disk_free", n.diskFree());
        out.put("disk_free_limit", n.diskFreeLimit());
        out.put("disk_free_alarm", n.alarms().contains("disk"));
        if (n.fdUsed() >= 0) {
            out.put("fd_used", n.fdUsed());
            out.put("fd_total", n.fdTotal());
        }
        out.put("sockets_used", n.connections());
        out.put("processors", n.processors());
        out.put("uptime", n.uptimeMillis());
        out.put("rates_mode", "basic");
        out.put("being_drained", false);
        out.put("partitions", List.of());
        out.put("product_name", "Warren");
        out.put("product_version", n.version());
        out.put("rabbitmq_version", OverviewHandler.RABBITMQ_API_VERSION);
        out.put("java_version", n.javaVersion());
        // definitions, and so exchange types, are the same on every node
        out.put("exchange_types", ExchangeTypesJson.of(ctx.admin().topology().exchangeTypes()));
        out.put("listeners", n.listeners().stream().map(l -> ApiContext.listenerJson(n.name(), l)).toList());
        // Warren's own: how long ago its last report came
        out.put("status_age_ms", n.sinceMillis());
        return out;
    }
}
