package io.warren.cluster.raft;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis's metrics, kept nowhere: Ratis needs an implementation (found by ServiceLoader), and its own one brings
 * Dropwizard Metrics and reporters Warren does not use; the broker's metrics are its own (Micrometer).
 */
public final class NoRaftMetrics extends MetricRegistries {
    private final Map<MetricRegistryInfo, RatisMetricRegistry> registries = new ConcurrentHashMap<>();

    @Override
    public void clear() {
        registries.clear();
    }

    @Override
    public RatisMetricRegistry create(MetricRegistryInfo info) {
        return registries.computeIfAbsent(info, Registry::new);
    }

    @Override
    public boolean remove(MetricRegistryInfo info) {
        return registries.remove(info) != null;
    }

    @Override
    public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) {
        return Optional.ofNullable(registries.get(info));
    }

    @Override
    public Set<MetricRegistryInfo> getMetricRegistryInfos() {
        return Set.copyOf(registries.keySet());
    }

    @Override
    public Collection<RatisMetricRegistry> getMetricRegistries() {
        return List.copyOf(registries.values());
    }

    @Override
    public void addReporterRegistration(Consumer<RatisMetricRegistry> start, Consumer<RatisMetricRegistry> stop) {
    }

    @Override
    public void enableJmxReporter() {
    }

    @Override
    public void enableConsoleReporter(TimeDuration period) {
    }

    /** Counters count (Ratis reads some back); timers and gauges record nothing. */
    private record Registry(MetricRegistryInfo info) implements RatisMetricRegistry {
        private static final Timekeeper.Context STOPPED = () -> 0L;

        @Override
        public Timekeeper timer(String name) {
            return () -> STOPPED;
        }

        @Override
        public LongCounter counter(String name) {
            AtomicLong n = new AtomicLong();
            return new LongCounter() {
                @Override
                public void inc(long by) {
                    n.addAndGet(by);
                }

                @Override
                public void dec(long by) {
                    n.addAndGet(-by);
                }

                @Override
                public long getCount() {
                    return n.get();
                }
            };
        }

        @Override
        public boolean remove(String name) {
            return true;
        }

        @Override
        public <T> void gauge(String name, Supplier<Supplier<T>> gauge) {
        }

        @Override
        public MetricRegistryInfo getMetricRegistryInfo() {
            return info;
        }
    }
}
