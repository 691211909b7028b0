package io.warren.server.jepsen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How long each fault kept the queues from taking messages: for each queue, the time from the fault's start to
 * the confirm of the first message sent at or after it; a fault's unavailability is the longest over its queues.
 * For a classic queue whose home is killed that is the node's downtime plus its restart; for a quorum queue it
 * will be the leader election.
 */
final class Failover {
    /** One fault's measure; seconds, or NaN when some queue confirmed nothing sent after the fault began. */
    record Measure(FaultRecord fault, double seconds) {}

    private Failover() {
    }

    static List<Measure> measure(History history) {
        // per queue, the confirmed publishes' (sent, answered) times sorted by send time
        int queues = history.queues();
        List<List<long[]>> confirmed = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            confirmed.add(new ArrayList<>());
        }
        for (History.Publish p : history.answers().values()) {
            if (p.outcome() == History.Outcome.CONFIRMED) {
                confirmed.get(p.queue()).add(new long[] {p.sentNanos(), p.answeredNanos()});
            }
        }
        long[][] sent = new long[queues][];
        long[][] answered = new long[queues][];
        for (int q = 0; q < queues; q++) {
            List<long[]> l = confirmed.get(q);
            l.sort((a, b) -> Long.compare(a[0], b[0]));
            sent[q] = l.stream().mapToLong(a -> a[0]).toArray();
            answered[q] = l.stream().mapToLong(a -> a[1]).toArray();
        }
        List<Measure> out = new ArrayList<>();
        for (FaultRecord f : history.faults()) {
            double worst = 0;
            for (int q = 0; q < queues && !Double.isNaN(worst); q++) {
                int at = Arrays.binarySearch(sent[q], f.beganNanos());
                int first = at >= 0 ? at : -at - 1;
                // messages sent later may be confirmed earlier (publishers run in parallel): take the earliest
                long earliest = Long.MAX_VALUE;
                for (int k = first; k < sent[q].length && sent[q][k] <= earliest; k++) {
                    earliest = Math.min(earliest, answered[q][k]);
                }
                worst = earliest == Long.MAX_VALUE ? Double.NaN
                        : Math.max(worst, (earliest - f.beganNanos()) / 1e9);
            }
            out.add(new Measure(f, worst));
        }
        return out;
    }

    /** Per kind of fault: count, median and max unavailability in seconds, as a table. */
    static String table(List<Measure> measures) {
        Map<Fault, List<Double>> byKind = new EnumMap<>(Fault.class);
        List<Double> all = new ArrayList<>();
        for (Measure m : measures) {
            if (!Double.isNaN(m.seconds())) {
                byKind.computeIfAbsent(m.fault().kind(), k -> new ArrayList<>()).add(m.seconds());
                all.add(m.seconds());
            }
        }
        StringBuilder out = new StringBuilder(String.format("%-12s %6s %10s %10s%n", "fault", "count", "median s",
                "max s"));
        byKind.forEach((kind, l) -> out.append(row(kind.label(), l)));
        out.append(row("all", all));
        long unmeasured = measures.stream().filter(m -> Double.isNaN(m.seconds())).count();
        if (unmeasured > 0) {
            out.append(unmeasured).append(" fault(s) with no confirm afterwards on some queue (not counted)")
                    .append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String row(String name, List<Double> seconds) {
        if (seconds.isEmpty()) {
            return String.format("%-12s %6d %10s %10s%n", name, 0, "-", "-");
        }
        double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return String.format("%-12s %6d %10.2f %10.2f%n", name, s.length, median, s[s.length - 1]);
    }
}
