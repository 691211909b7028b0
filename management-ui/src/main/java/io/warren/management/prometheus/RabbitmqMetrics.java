package io.warren.management.prometheus;

import io.warren.management.metrics.AllQueues;
import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.QueueView;
import io.warren.broker.alarm.Resource;
import io.warren.management.api.Versions;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.ToDoubleFunction;

/**
 * The broker's metrics under rabbitmq_prometheus' names, types and labels, so that dashboards and alerts made for
 * RabbitMQ read Warren unchanged. /metrics is aggregated: a fixed set of a hundred-odd series whatever the number
 * of queues, computed from one {@link NodeSnapshot}. /metrics/per-object has the same series except that the
 * queue families have one series per queue (labels vhost, queue), written to the client as the queues are walked;
 * one such scrape runs at a time. Which RabbitMQ quantity each name stands for, and what has no Warren
 * counterpart and so is left out, is listed in docs/monitoring.md.
 */
public final class RabbitmqMetrics {
    private static final String[] AMQP = {"protocol", "amqp091"};
    private static final String[] NONE = {};

    /** One family of the node: a name, its type, what it means, how to read it from a snapshot, fixed labels. */
    private record Family(String name, String type, String help, ToDoubleFunction<NodeSnapshot> value,
                          String[] labels) {
    }

    /** A queue family: the sum over queues in /metrics, one series per queue in /metrics/per-object. */
    private record QueueFamily(String name, String help, ToDoubleFunction<NodeSnapshot> sum,
                               ToDoubleFunction<QueueView> perQueue) {
    }

    private final BrokerAdmin admin;
    private final List<Family> families = new ArrayList<>();
    private final List<QueueFamily> queueFamilies = new ArrayList<>();
    private final Semaphore oneAtATime = new Semaphore(1);
    private final String[] build;

    public RabbitmqMetrics(BrokerAdmin admin) {
        this.admin = admin;
        admin.clusterPermanentId(); // made (and stored) at start rather than at the first scrape
        this.build = new String[] {"rabbitmq_version", Versions.RABBITMQ, "product_name", "Warren",
            "product_version", Versions.WARREN, "prometheus_plugin_version", Versions.WARREN,
            "prometheus_client_version", Versions.WARREN,
            "erlang_version", "none (Java " + Runtime.version() + ")"};
        nodeFamilies();
        channelFamilies();
        globalFamilies();
        queueFamilies();
    }

    private void nodeFamilies() {
        gauge("rabbitmq_connections", "AMQP connections open", s -> s.connections().connections());
        gauge("rabbitmq_channels", "AMQP channels open", s -> s.connections().channels());
        gauge("rabbitmq_consumers", "consumers", NodeSnapshot::consumers);
        gauge("rabbitmq_queues", "queues", NodeSnapshot::queues);
        counter("rabbitmq_connections_opened_total", "AMQP connections accepted since start",
                s -> s.counters().connectionsOpened());
        counter("rabbitmq_connections_closed_total", "AMQP connections closed since start",
                s -> s.counters().connectionsClosed());
        counter("rabbitmq_channels_opened_total", "channels opened since start", s -> s.counters().channelsOpened());
        counter("rabbitmq_channels_closed_total", "channels closed since start", s -> s.counters().channelsClosed());
        counter("rabbitmq_queues_declared_total", "queue declarations since start, new queue or not",
                s -> s.counters().queuesDeclared());
        counter("rabbitmq_queues_created_total", "queues created since start", s -> s.counters().queuesCreated());
        counter("rabbitmq_queues_deleted_total", "queues deleted since start", s -> s.counters().queuesDeleted());
        gauge("rabbitmq_process_open_fds", "file descriptors the broker process has open", NodeSnapshot::openFds);
        gauge("rabbitmq_process_max_fds", "the broker process's file descriptor limit", NodeSnapshot::maxFds);
        gauge("rabbitmq_process_open_tcp_sockets", "AMQP client sockets open (handshake done or not)",
                s -> s.counters().amqpSockets());
        gauge("rabbitmq_process_max_tcp_sockets",
                "sockets the process may open: its file descriptor limit (Warren has no separate socket limit)",
                NodeSnapshot::maxFds);
        gauge("rabbitmq_process_resident_memory_bytes",
                "memory as the memory alarm measures it: heap after the last collection plus direct memory",
                s -> s.alarms().memoryUsed());
        gauge("rabbitmq_resident_memory_limit_bytes", "the memory high watermark: publishers block above it",
                s -> s.alarms().memoryLimit());
        gauge("rabbitmq_disk_space_available_bytes", "usable bytes on the data directory's disk",
                s -> s.alarms().diskFree() < 0 ? Double.NaN : s.alarms().diskFree());
        gauge("rabbitmq_disk_space_available_limit_bytes", "the free disk limit: publishers block below it",
                s -> s.alarms().diskFreeLimit());
        untyped("rabbitmq_alarms_memory_limit", "1 while the memory alarm is in effect",
                s -> s.alarm(Resource.MEMORY));
        untyped("rabbitmq_alarms_disk_limit", "1 while the free disk alarm is in effect", s -> s.alarm(Resource.DISK));
        untyped("rabbitmq_alarms_file_descriptor_limit",
                "1 while a file descriptor alarm is in effect: always 0, Warren has no such alarm", s -> 0);
    }

    private void channelFamilies() {
        gauge("rabbitmq_channel_consumers", "consumers on all channels", NodeSnapshot::consumers);
        gauge("rabbitmq_channel_messages_unacked", "messages delivered on all channels and not yet acknowledged",
                NodeSnapshot::unacked);
        gauge("rabbitmq_channel_messages_unconfirmed",
                "messages published in confirm mode on open channels and not yet confirmed",
                s -> s.counters().unconfirmed());
        counter("rabbitmq_channel_messages_published_total", "messages published by clients",
                s -> s.totals().published());
        counter("rabbitmq_channel_messages_confirmed_total", "publisher confirms (basic.ack) sent, in messages",
                s -> s.counters().confirmsAcked());
        counter("rabbitmq_channel_messages_unroutable_returned_total",
                "mandatory messages that no queue took, returned to their publishers", s -> s.totals().returned());
        counter("rabbitmq_channel_messages_unroutable_dropped_total",
                "messages that were not mandatory and that no queue took, dropped",
                s -> s.counters().droppedUnroutable());
        counter("rabbitmq_channel_get_ack_total", "messages got with basic.get in manual ack mode",
                s -> s.totals().got());
        counter("rabbitmq_channel_get_total", "messages got with basic.get in automatic ack mode",
                s -> s.totals().gotNoAck());
        counter("rabbitmq_channel_get_empty_total", "basic.get answered with get-empty",
                s -> s.counters().getEmpty());
        counter("rabbitmq_channel_messages_delivered_ack_total", "messages delivered to consumers in manual ack mode",
                s -> s.totals().delivered());
        counter("rabbitmq_channel_messages_delivered_total", "messages delivered to consumers in automatic ack mode",
                s -> s.totals().deliveredNoAck());
        counter("rabbitmq_channel_messages_redelivered_total", "deliveries of messages delivered before",
                s -> s.totals().redelivered());
        counter("rabbitmq_channel_messages_acked_total", "messages acknowledged by consumers",
                s -> s.totals().acked());
        counter("rabbitmq_queue_messages_published_total",
                "messages put into queues: a message routed to three queues counts three",
                s -> s.counters().enqueued());
    }

    /** rabbitmq_global_*: per protocol; Warren speaks AMQP 0-9-1 only and does not split deliveries by queue type. */
    private void globalFamilies() {
        global("rabbitmq_global_messages_received_total", "counter", "messages received from publishers",
                s -> s.totals().published());
        global("rabbitmq_global_messages_received_confirm_total", "counter",
                "messages received from publishers in confirm mode", s -> s.totals().confirmed());
        global("rabbitmq_global_messages_routed_total", "counter",
                "messages routed to at least one queue (or held by a delayed exchange, or sent to a direct reply-to)",
                s -> s.counters().routed());
        global("rabbitmq_global_messages_unroutable_dropped_total", "counter",
                "messages that were not mandatory and that no queue took, dropped",
                s -> s.counters().droppedUnroutable());
        global("rabbitmq_global_messages_unroutable_returned_total", "counter",
                "mandatory messages that no queue took, returned", s -> s.totals().returned());
        global("rabbitmq_global_messages_confirmed_total", "counter", "messages confirmed to publishers",
                s -> s.counters().confirmsAcked());
        global("rabbitmq_global_publishers", "gauge", "open channels that have published",
                s -> s.counters().publishers());
        global("rabbitmq_global_consumers", "gauge", "consumers", NodeSnapshot::consumers);
        global("rabbitmq_global_messages_delivered_total", "counter",
                "messages delivered to consumers or got with basic.get", s -> s.totals().deliverGet());
        global("rabbitmq_global_messages_delivered_consume_manual_ack_total", "counter",
                "messages delivered to consumers in manual ack mode", s -> s.totals().delivered());
        global("rabbitmq_global_messages_delivered_consume_auto_ack_total", "counter",
                "messages delivered to consumers in automatic ack mode", s -> s.totals().deliveredNoAck());
        global("rabbitmq_global_messages_delivered_get_manual_ack_total", "counter",
                "messages got with basic.get in manual ack mode", s -> s.totals().got());
        global("rabbitmq_global_messages_delivered_get_auto_ack_total", "counter",
                "messages got with basic.get in automatic ack mode", s -> s.totals().gotNoAck());
        global("rabbitmq_global_messages_get_empty_total", "counter", "basic.get answered with get-empty",
                s -> s.counters().getEmpty());
        global("rabbitmq_global_messages_redelivered_total", "counter", "deliveries of messages delivered before",
                s -> s.totals().redelivered());
        global("rabbitmq_global_messages_acknowledged_total", "counter", "messages acknowledged by consumers",
                s -> s.totals().acked());
    }

    private void queueFamilies() {
        queueFamilies.add(new QueueFamily("rabbitmq_queue_messages_ready", "messages ready to be delivered",
                NodeSnapshot::ready, QueueView::ready));
        queueFamilies.add(new QueueFamily("rabbitmq_queue_messages_unacked",
                "messages delivered and not yet acknowledged", NodeSnapshot::unacked, QueueView::unacked));
        queueFamilies.add(new QueueFamily("rabbitmq_queue_messages", "ready and unacknowledged messages",
                s -> s.ready() + s.unacked(), QueueView::messages));
        queueFamilies.add(new QueueFamily("rabbitmq_queue_consumers", "consumers", NodeSnapshot::consumers,
                QueueView::consumers));
    }

    private void gauge(String name, String help, ToDoubleFunction<NodeSnapshot> value) {
        families.add(new Family(name, "gauge", help, value, NONE));
    }

    private void counter(String name, String help, ToDoubleFunction<NodeSnapshot> value) {
        families.add(new Family(name, "counter", help, value, NONE));
    }

    private void untyped(String name, String help, ToDoubleFunction<NodeSnapshot> value) {
        families.add(new Family(name, "untyped", help, value, NONE));
    }

    private void global(String name, String type, String help, ToDoubleFunction<NodeSnapshot> value) {
        families.add(new Family(name, type, help, value, AMQP));
    }

    /** /metrics: every family once, queue families summed over all queues. A few kB, however many queues. */
    public byte[] aggregated() {
        NodeSnapshot s = NodeSnapshot.take(admin);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
        try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            PrometheusText text = new PrometheusText(w);
            writeNode(text, s);
            for (QueueFamily f : queueFamilies) {
                text.family(f.name, "gauge", f.help);
                text.sample(f.name, f.sum.applyAsDouble(s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Takes the right to a per-object scrape; false while another runs. {@link #writePerObject} gives it back. */
    public boolean tryStartPerObject() {
        return oneAtATime.tryAcquire();
    }

    /** /metrics/per-object, written as it is produced; call after {@link #tryStartPerObject} succeeded. */
    public void writePerObject(OutputStream out) throws IOException {
        try {
            NodeSnapshot s = NodeSnapshot.take(admin);
            List<QueueView> queues = AllQueues.of(admin);
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
            PrometheusText text = new PrometheusText(w);
            writeNode(text, s);
            for (QueueFamily f : queueFamilies) {
                text.family(f.name, "gauge", f.help);
                for (QueueView q : queues) {
                    text.sample(f.name, f.perQueue.applyAsDouble(q), "vhost", q.vhost(), "queue", q.name());
                }
            }
            w.flush();
        } finally {
            oneAtATime.release();
        }
    }

    private void writeNode(PrometheusText text, NodeSnapshot s) throws IOException {
        text.family("rabbitmq_identity_info", "untyped", "the node's and its cluster's names");
        // read each time: the cluster's name is a global parameter that may be set while running
        text.sample("rabbitmq_identity_info", 1, "rabbitmq_node", admin.nodeName(), "rabbitmq_cluster",
                admin.clusterName(), "rabbitmq_cluster_permanent_id", admin.clusterPermanentId());
        text.family("rabbitmq_build_info", "untyped",
                "versions: the RabbitMQ level Warren follows, Warren's own, and the runtime's");
        text.sample("rabbitmq_build_info", 1, build);
        for (Family f : families) {
            text.family(f.name, f.type, f.help);
            text.sample(f.name, f.value.applyAsDouble(s), f.labels);
        }
    }
}
