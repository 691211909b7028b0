package io.warren.server.jepsen;

import java.util.SortedSet;
import java.util.stream.Collectors;

/** The checker's counts, with the ids of every lost, duplicated, unexpected and recovered message. */
public record Fates(int attempted, int confirmed, int nacked, int unknown, int deliveries, int distinctConsumed,
        SortedSet<Long> lost, SortedSet<Long> duplicated, SortedSet<Long> unexpected, SortedSet<Long> recovered) {

    /** Whether no confirmed message was lost and nothing never published came out. */
    public boolean valid() {
        return lost.isEmpty() && unexpected.isEmpty();
    }

    /** The counts as a table, with up to ten ids of each category that has any. */
    public String table() {
        StringBuilder out = new StringBuilder();
        row(out, "attempted", attempted);
        row(out, "confirmed", confirmed);
        row(out, "nacked", nacked);
        row(out, "unknown (timeout, connection lost)", unknown);
        row(out, "deliveries", deliveries);
        row(out, "distinct ids consumed", distinctConsumed);
        row(out, "lost (confirmed, never consumed)", lost.size());
        row(out, "duplicated (consumed more than once)", duplicated.size());
        row(out, "unexpected (consumed, never published)", unexpected.size());
        row(out, "recovered (not confirmed, consumed)", recovered.size());
        sample(out, "lost", lost);
        sample(out, "duplicated", duplicated);
        sample(out, "unexpected", unexpected);
        sample(out, "recovered", recovered);
        out.append(String.format("%-40s %s%n", "valid (lost == 0 and unexpected == 0)", valid()));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, int count) {
        out.append(String.format("%-40s %10d%n", name, count));
    }

    private static void sample(StringBuilder out, String name, SortedSet<Long> ids) {
        if (!ids.isEmpty()) {
            out.append("  ").append(name).append(" ids (first 10): ")
                    .append(ids.stream().limit(10).map(String::valueOf).collect(Collectors.joining(", ")))
                    .append(System.lineSeparator());
        }
    }
}
