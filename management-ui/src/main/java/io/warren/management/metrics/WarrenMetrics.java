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
import io.warren.broker.admin.ConnectionView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.admin.QueueView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The broker's metrics in Micrometer, scraped by Prometheus at /metrics. Each scrape first takes one snapshot of the
 * broker (queues, connections, totals, alarms) that all meters read, so a scrape is consistent and cheap.
 * Message-store fsync latency is not here yet: the store does not exist in this build.
 */
public final class WarrenMetrics {
    private final BrokerAdmin admin;
    private final RateSampler rates;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge queueReady;
    private final MultiGauge queueUnacked;
    private final MultiGauge queueConsumers;
    private final MultiGauge queuePublishRate;
    private final MultiGauge queueDeliverRate;
    private final MultiGauge queueAckRate;
    private final MultiGauge alarmGauge;
    private volatile Snapshot snapshot = new Snapshot(
            new MessageTotalsView(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), List.of(), 0, 0, List.of());

    private record Snapshot(MessageTotalsView totals, List<QueueView> queues, int connections, int channels,
                            List<AlarmView> alarms) {
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
        gauge("warren.connections", "open AMQP connections", s -> s.connections);
        gauge("warren.channels", "open AMQP channels", s -> s.channels);
        gauge("warren.queues", "queues", s -> s.queues.size());
        gauge("warren.alarms.active", "resource alarms in effect", s -> s.alarms.size());
        queueReady = MultiGauge.builder("warren.queue.messages.ready").description("ready messages per queue")
                .register(registry);
        queueUnacked = MultiGauge.builder("warren.queue.messages.unacked")
                .description("delivered, unacknowledged messages per queue").register(registry);
        queueConsumers = MultiGauge.builder("warren.queue.consumers").description("consumers per queue")
                .register(registry);
        queuePublishRate = MultiGauge.builder("warren.queue.publish.rate")
                .description("messages per second entering the queue").register(registry);
        queueDeliverRate = MultiGauge.builder("warren.queue.deliver.rate")
                .description("messages per second delivered or got from the queue").register(registry);
        queueAckRate = MultiGauge.builder("warren.queue.ack.rate").description("acks per second on the queue")
                .register(registry);
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
    }

    private void total(String name, String description, ToLongFunction<MessageTotalsView> f) {
        FunctionCounter.builder(name, this, m -> f.applyAsLong(m.snapshot.totals)).description(description)
                .register(registry);
    }

    private void gauge(String name, String description, ToDoubleFunction<Snapshot> f) {
        Gauge.builder(name, this, m -> f.applyAsDouble(m.snapshot)).description(description).register(registry);
    }

    /** Takes a fresh snapshot and renders every meter in Prometheus' text format. */
    public synchronized byte[] scrape() {
        refresh();
        return registry.scrape().getBytes(StandardCharsets.UTF_8);
    }

    private void refresh() {
        List<QueueView> queues = new ArrayList<>();
        for (String v : admin.access().vhosts()) {
            queues.addAll(admin.topology().queues(v));
        }
        List<ConnectionView> connections = admin.connections().connections();
        int channels = connections.stream().mapToInt(c -> c.channels().size()).sum();
        List<AlarmView> alarms = admin.alarms();
        snapshot = new Snapshot(admin.totals(), queues, connections.size(), channels, alarms);
        queueReady.register(rows(queues, QueueView::ready), true);
        queueUnacked.register(rows(queues, QueueView::unacked), true);
        queueConsumers.register(rows(queues, QueueView::consumers), true);
        queuePublishRate.register(rows(queues, q -> rate(q, "publish")), true);
        queueDeliverRate.register(rows(queues, q -> rate(q, "deliver_get")), true);
        queueAckRate.register(rows(queues, q -> rate(q, "ack")), true);
        alarmGauge.register(alarms.stream().map(a -> MultiGauge.Row.of(Tags.of("resource", a.resource(), "node",
                a.node()), 1)).map(r -> (MultiGauge.Row<?>) r).toList(), true);
    }

    private double rate(QueueView q, String what) {
        return rates.rate(RateSampler.queueKey(q.vhost(), q.name()) + what);
    }

    private static List<MultiGauge.Row<?>> rows(List<QueueView> queues, ToDoubleFunction<QueueView> f) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (QueueView q : queues) {
            rows.add(MultiGauge.Row.of(Tags.of("vhost", q.vhost(), "queue", q.name()), f.applyAsDouble(q)));
        }
        return rows;
    }
}
