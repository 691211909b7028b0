package io.warren.broker.alarm;

import com.sun.management.GcInfo;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Measures the memory the broker holds: the heap as the last garbage collection left it, plus direct memory in
 * use. Raw heap use counts garbage not yet collected, so it climbs and falls with every collection and an alarm
 * based on it would flap; what a collection leaves behind is what the broker really keeps.
 */
final class JvmMemory {
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(p -> p.getName().equals("direct")).findFirst().orElse(null);

    /** What the broker may use at most: max heap plus max direct memory. */
    long budget() {
        long heap = Runtime.getRuntime().maxMemory();
        long direct = PlatformDependent.maxDirectMemory();
        return saturatedAdd(heap == Long.MAX_VALUE ? 0 : heap, Math.max(0, direct));
    }

    /** Heap after the last collection plus direct memory in use. */
    long used() {
        return heapAfterLastGc() + directInUse();
    }

    /** Collections so far, all collectors together: unchanged between two calls means no collection ran. */
    long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    long heapAfterLastGc() {
        GcInfo latest = null;
        for (GarbageCollectorMXBean gc : collectors) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean g) {
                GcInfo info = g.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            // no collection yet (or no way to ask): raw use overstates, which errs on the safe side
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        long used = 0;
        for (var e : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                MemoryUsage u = e.getValue();
                used += u.getUsed();
            }
        }
        return used;
    }

    /**
     * Netty counts the direct buffers it allocates without a cleaner itself (-1 when it does not); the JDK's
     * "direct" pool counts those made by ByteBuffer.allocateDirect, Netty's cleaner-backed ones included. The two
     * never count the same buffer.
     */
    long directInUse() {
        long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        long jdk = directPool == null ? 0 : Math.max(0, directPool.getMemoryUsed());
        return netty + jdk;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
