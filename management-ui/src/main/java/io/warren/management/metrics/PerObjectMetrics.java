package io.warren.management.metrics;

import io.warren.broker.admin.BrokerAdmin;
import io.warren.broker.admin.QueueView;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.ToDoubleFunction;

/**
 * /metrics/per-object: each queue's depth, consumers and rates (and each stream's offsets, {@link StreamSeries}) in
 * Prometheus' text format, written straight to the response as the queues are walked (no meter registry, no
 * whole-body string): cost and memory are linear in the queues and small per queue. One scrape runs at a time; a second one meanwhile is refused, so unauthenticated
 * scrapers cannot stack up passes over every queue.
 */
public final class PerObjectMetrics {
    private record Family(String name, String type, String help, ToDoubleFunction<QueueView> value) {
    }

    private final BrokerAdmin admin;
    private final RateSampler rates;
    private final Semaphore oneAtATime = new Semaphore(1);
    private final List<Family> families;

    PerObjectMetrics(BrokerAdmin admin, RateSampler rates) {
        this.admin = admin;
        this.rates = rates;
        families = List.of(
                new Family("warren_queue_messages_ready", "gauge", "ready messages per queue", QueueView::ready),
                new Family("warren_queue_messages_unacked", "gauge", "delivered, unacknowledged messages per queue",
                        QueueView::unacked),
                new Family("warren_queue_consumers", "gauge", "consumers per queue", QueueView::consumers),
                new Family("warren_queue_publish_rate", "gauge", "messages per second entering the queue",
                        q -> rate(q, QueueRates.PUBLISH)),
                new Family("warren_queue_deliver_rate", "gauge", "messages per second delivered or got from the queue",
                        q -> rate(q, QueueRates.DELIVER_GET)),
                new Family("warren_queue_ack_rate", "gauge", "acks per second on the queue",
                        q -> rate(q, QueueRates.ACK)));
    }

    private double rate(QueueView q, int what) {
        return rates.queue(q.vhost(), q.name()).rate(what);
    }

    /** Takes the right to scrape; false while another scrape runs. Pair with {@link #writeTo} (which gives it back). */
    public boolean tryStart() {
        return oneAtATime.tryAcquire();
    }

    /** Writes every queue's series; call after {@link #tryStart} succeeded. */
    public void writeTo(OutputStream out) throws IOException {
        try {
            List<QueueView> queues = AllQueues.of(admin);
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
            for (Family f : families) {
                w.write("# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " " + f.type + "\n");
                for (QueueView q : queues) {
                    w.write(f.name);
                    w.write("{queue=\"");
                    escape(w, q.name());
                    w.write("\",vhost=\"");
                    escape(w, q.vhost());
                    w.write("\"} ");
                    w.write(Double.toString(f.value.applyAsDouble(q)));
                    w.write('\n');
                }
            }
            StreamSeries.write(w, queues);
            w.flush();
        } finally {
            oneAtATime.release();
        }
    }

    /** A label value as Prometheus' text format wants it: backslash, double quote and newline escaped. */
    static void escape(Writer w, String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> w.write("\\\\");
                case '"' -> w.write("\\\"");
                case '\n' -> w.write("\\n");
                default -> w.write(c);
            }
        }
    }
}
