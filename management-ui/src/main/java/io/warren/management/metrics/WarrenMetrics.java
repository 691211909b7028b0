package io.warren.management.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.warren.broker.admin.AlarmView;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.AdminException;
import io.warren.broker.admin.ConnectionCountsView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.admin.QueueTotalsView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The broker's metrics in Micrometer, scraped by Prometheus at /metrics: broker-wide only, so a scrape's size and
 * cost do not grow with the number of queues (registering a meter per queue made each scrape superlinear). Each
 * scrape first takes one snapshot of the broker (queue sums, connection counts, totals, alarms) that all meters read.
 * Message-store fsync latency is not here yet: the store does not exist in this build.
 */
public final class WarrenMetrics {
    private final BrokerAdmin admin;
    private final RateSampler rates;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge alarmGauge;
    private final PerObjectMetrics perObject;
    private volatile Snapshot snapshot = new Snapshot(new MessageTotalsView(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            new QueueTotalsView(0, 0, 0, 0), new ConnectionCountsView(0, 0), List.of(), QueueRates.NONE);

    private record Snapshot(MessageTotalsView totals, QueueTotalsView queues, ConnectionCountsView connections,
                            List<AlarmView> alarms, QueueRates rates) {
    }

    public WarrenMetrics(BrokerAdmin admin, RateSampler rates) {
        this.admin = admin;
        this.rates = rates;
        total("warren.messages.published", "messages published by clients", MessageTotalsView::published);
        total("warren.messages.confirmed", "publisher confirms sent", MessageTotalsView::confirmed);
        total("warren.messages.returned", "unroutable mandatory messages returned", MessageTotalsView::returned);
        total("warren.messages.delivered", "messages delivered to consumers or got with basic.get",
                MessageTotalsView::deliverGet);
        total("warren.messages.acked", "deliveries acknowledged", MessageTotalsView::acked);
        total("warren.messages.redelivered", "deliveries of requeued messages", MessageTotalsView::redelivered);
        total("warren.messages.dead.lettered", "messages dead-lettered", MessageTotalsView::deadLettered);
        gauge("warren.connections", "open AMQP connections", s -> s.connections.connections());
        gauge("warren.channels", "open AMQP channels", s -> s.connections.channels());
        gauge("warren.queues", "queues", s -> s.queues.queues());
        gauge("warren.alarms.active", "resource alarms in effect", s -> s.alarms.size());
        // broker-wide sums under the per-queue names, as rabbitmq_prometheus aggregates: per queue is opt-in
        gauge("warren.queue.messages.ready", "ready messages of all queues (per queue: /metrics/per-object)",
                s -> s.queues.ready());
        gauge("warren.queue.messages.unacked", "delivered, unacknowledged messages of all queues",
                s -> s.queues.unacked());
        gauge("warren.queue.consumers", "consumers of all queues", s -> s.queues.consumers());
        gauge("warren.queue.publish.rate", "messages per second entering queues",
                s -> s.rates.rate(QueueRates.PUBLISH));
        gauge("warren.queue.deliver.rate", "messages per second delivered or got from queues",
                s -> s.rates.rate(QueueRates.DELIVER_GET));
        gauge("warren.queue.ack.rate", "acks per second on queues", s -> s.rates.rate(QueueRates.ACK));
        gauge("warren.cluster.nodes", "members of the cluster (1 for a node not in a cluster)",
                s -> 1 + admin.cluster().otherNodes().size());
        gauge("warren.cluster.nodes.running", "members of the cluster running: this one and those heard from lately",
                s -> 1 + admin.cluster().otherNodes().stream().filter(n -> n.running()).count());
        alarmGauge = MultiGauge.builder("warren.alarm").description("1 for each resource alarm in effect")
                .register(registry);
        Gauge.builder("warren.process.resident.memory", ProcessMemory::residentBytes).baseUnit("bytes")
                .description("resident set size of the broker process").register(registry);
        Gauge.builder("warren.disk.free", () -> admin.dataDir().toAbsolutePath().toFile().getUsableSpace())
                .baseUnit("bytes").description("free space on the data directory's disk").register(registry);
        Gauge.builder("warren.memory.used", () -> admin.alarmStatus().memoryUsed()).baseUnit("bytes")
                .description("heap after the last collection plus direct memory, as the memory alarm measures it")
                .register(registry);
        Gauge.builder("warren.memory.high.watermark", () -> admin.alarmStatus().memoryLimit()).baseUnit("bytes")
                .description("the memory alarm's limit").register(registry);
        FunctionCounter.builder("warren.store.fsyncs", admin, a -> a.syncStats().fsyncs())
                .description("group commits (fsync rounds) of the message store").register(registry);
        FunctionCounter.builder("warren.store.fsync.seconds", admin, a -> a.syncStats().totalNanos() / 1e9)
                .description("time spent in group-commit fsyncs").register(registry);
        Gauge.builder("warren.store.fsync.max.seconds", () -> admin.syncStats().maxNanos() / 1e9)
                .description("the slowest group-commit fsync so far").register(registry);
        FunctionCounter.builder("warren.store.synced.bytes", admin, a -> a.syncStats().bytesSynced())
                .baseUnit("bytes").description("bytes made durable by group commits").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        perObject = new PerObjectMetrics(admin, rates);
    }

    private void total(String name, String description, ToLongFunction<MessageTotalsView> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsLong(m.snapshot.totals)).description(description)
                .register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<Snapshot> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.snapshot)).description(description).register(registry);
    }

    /**
     * Takes a fresh snapshot and renders every meter in Prometheus' text format. The set of meters is fixed, so a
     * scrape costs one pass over the queues' published counts and a few hundred lines, however many queues.
     */
    public synchronized byte[] scrape() {
        refresh();
        return registry.scrape().getBytes(StandardCharsets.UTF_8);
    }

    /** The per-queue series (opt-in, as rabbitmq_prometheus' /metrics/per-object), written as they are produced. */
    public PerObjectMetrics perObject() {
        return perObject;
    }

    private void refresh() {
        long count = 0;
        long ready = 0;
        long unacked = 0;
        long consumers = 0;
        for (String v : admin.access().vhosts()) {
            try {
                QueueTotalsView t = admin.topology().localQueueTotals(v);
                count += t.queues();
                ready += t.ready();
                unacked += t.unacked();
                consumers += t.consumers();
            } catch (AdminException e) {
                // the vhost went away since it was listed
            }
        }
        List<AlarmView> alarms = admin.alarms();
        snapshot = new Snapshot(admin.totals(), new QueueTotalsView((int) count, ready, unacked, consumers),
                admin.connections().counts(), alarms, rates.allQueues());
        alarmGauge.register(alarms.stream().map(a -> MultiGauge.Row.of(Tags.of("resource", a.resource(), "node",
                a.node()), 1)).map(r -> (MultiGauge.Row<?>) r).toList(), true);
    }
}
