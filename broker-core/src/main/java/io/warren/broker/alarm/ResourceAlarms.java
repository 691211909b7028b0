package io.warren.broker.alarm;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's resource alarms, as in RabbitMQ: memory is checked every second and free disk space every ten
 * seconds, on a thread of their own (a slow file system must never stall an event loop), and listeners hear when
 * the set of active alarms changes. Changing a limit checks at once, so an operator (or a test) sees the effect
 * immediately.
 */
public final class ResourceAlarms implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceAlarms.class);
    static final long MEMORY_INTERVAL_MS = 1_000;
    static final long DISK_INTERVAL_MS = 10_000;
    /** As RabbitMQ's vm_memory_high_watermark_paging_ratio: queues page out new messages above this share. */
    static final double PAGING_RATIO = 0.5;

    private final MemoryAlarm memory;
    private final DiskAlarm disk;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-alarms");
        t.setDaemon(true);
        return t;
    });
    // read on every published content frame: an immutable snapshot behind a volatile, swapped on change
    private volatile Set<Resource> active = Set.of();
    // in a cluster: the alarms in effect on the other nodes; publishers here are blocked by those too
    private volatile Set<Resource> remote = Set.of();
    private volatile Set<Resource> blocking = Set.of();
    private volatile boolean memoryPressure;

    public ResourceAlarms(MemoryWatermark memoryHighWatermark, Path dataDir, long diskFreeLimit) {
        this.memory = new MemoryAlarm(new JvmMemory(), memoryHighWatermark);
        this.disk = new DiskAlarm(dataDir, diskFreeLimit);
    }

    /** Checks both resources now, then keeps checking in the background. */
    public void start() {
        checkMemory();
        checkDisk();
        timer.scheduleWithFixedDelay(this::checkMemory, MEMORY_INTERVAL_MS, MEMORY_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::checkDisk, DISK_INTERVAL_MS, DISK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs the listener (on the alarm thread, or the caller's when a limit changes or other nodes' alarms arrive)
     * whenever this node's alarms or the alarms blocking its publishers change.
     */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** This node's alarms on now; empty when all is well. */
    public Set<Resource> active() {
        return active;
    }

    /**
     * The alarms that block publishers on this node: its own and, in a cluster, those in effect on any other node
     * (as RabbitMQ, which blocks publishers on every node while any node has an alarm).
     */
    public Set<Resource> blocking() {
        return blocking;
    }

    /**
     * In a cluster: the alarms now in effect on the other nodes (empty when none). Listeners hear of it when it
     * changes what blocks publishers here.
     */
    public synchronized void setRemote(Set<Resource> alarms) {
        Set<Resource> next = alarms.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(alarms));
        if (next.equals(remote)) {
            return;
        }
        remote = next;
        if (recomputeBlocking()) {
            LOG.info("resource alarms on other nodes of the cluster: {}; publishers here are {}",
                    next.isEmpty() ? "none" : next.stream().map(Resource::label).toList(),
                    blocking.isEmpty() ? "no longer blocked" : "blocked until they clear");
            listeners.forEach(Runnable::run);
        }
    }

    // under this; true when the union changed
    private boolean recomputeBlocking() {
        Set<Resource> union;
        if (remote.isEmpty()) {
            union = active;
        } else if (active.isEmpty()) {
            union = remote;
        } else {
            EnumSet<Resource> both = EnumSet.copyOf(active);
            both.addAll(remote);
            union = Collections.unmodifiableSet(both);
        }
        boolean changed = !union.equals(blocking);
        blocking = union;
        return changed;
    }

    /**
     * True while memory use is above half the high watermark: queues then keep new messages on disk rather than
     * in memory, so that memory stops growing well before publishers have to be blocked.
     */
    public boolean memoryPressure() {
        return memoryPressure;
    }

    public AlarmStatus status() {
        return new AlarmStatus(active, memory.used(), memory.limit(), disk.free(), disk.limit());
    }

    public MemoryWatermark memoryHighWatermark() {
        return memory.watermark();
    }

    /** Moves the memory watermark at runtime (rabbitmqctl set_vm_memory_high_watermark) and checks at once. */
    public void setMemoryHighWatermark(MemoryWatermark watermark) {
        memory.setWatermark(watermark);
        LOG.info("memory high watermark set to {}", watermark);
        checkMemory();
    }

    /** Moves the free-disk limit at runtime (rabbitmqctl set_disk_free_limit) and checks at once. */
    public void setDiskFreeLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk free limit must not be negative, got " + bytes);
        }
        disk.setLimit(bytes);
        LOG.info("disk free limit set to {} bytes", bytes);
        checkDisk();
    }

    private synchronized void checkMemory() {
        try {
            boolean over = memory.check();
            memoryPressure = memory.used() >= memory.limit() * PAGING_RATIO;
            update(Resource.MEMORY, over);
        } catch (RuntimeException e) {
            // a failed check must not cancel the schedule
            LOG.error("memory check failed", e);
        }
    }

    private synchronized void checkDisk() {
        try {
            update(Resource.DISK, disk.check());
        } catch (RuntimeException e) {
            LOG.error("disk check failed", e);
        }
    }

    private void update(Resource r, boolean on) {
        if (active.contains(r) == on) {
            return;
        }
        EnumSet<Resource> next = active.isEmpty() ? EnumSet.noneOf(Resource.class) : EnumSet.copyOf(active);
        if (on) {
            next.add(r);
        } else {
            next.remove(r);
        }
        active = Collections.unmodifiableSet(next);
        recomputeBlocking();
        log(r, on);
        for (Runnable l : listeners) {
            l.run();
        }
    }

    private void log(Resource r, boolean on) {
        String measure = r == Resource.MEMORY
                ? "memory in use " + memory.used() + " bytes, limit " + memory.limit()
                : "free disk space " + disk.free() + " bytes, limit " + disk.limit();
        if (on) {
            LOG.warn("{} resource limit alarm set ({}). Publishers will be blocked until this alarm clears",
                    r.label(), measure);
        } else {
            LOG.info("{} resource limit alarm cleared ({})", r.label(), measure);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
