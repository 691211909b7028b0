package io.warren.server.jepsen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Counts every message's fate as Jepsen's total-queue checker does for RabbitMQ: a message is published
 * (attempted), and its publish is confirmed or not (nacked or unknown); it is consumed zero, one or more times.
 * <ul>
 * <li><b>lost</b>: confirmed, never consumed (neither during the run nor in the final drain);
 * <li><b>duplicated</b>: consumed more than once;
 * <li><b>unexpected</b>: consumed, never published;
 * <li><b>recovered</b>: not confirmed (nacked or unknown), consumed all the same.
 * </ul>
 * Lost and unexpected are errors for a broker that keeps confirmed messages; duplicates are allowed by
 * at-least-once delivery; recovered ones are the broker keeping a message it could not promise.
 */
public final class Checker {
    private Checker() {
    }

    public static Fates check(History history) {
        Map<Long, Integer> attempts = history.attempts();
        Map<Long, History.Publish> answers = history.answers();
        List<Long> deliveries = history.deliveries();
        Map<Long, Integer> consumed = new HashMap<>();
        for (long id : deliveries) {
            consumed.merge(id, 1, Integer::sum);
        }
        SortedSet<Long> confirmed = new TreeSet<>();
        int nacked = 0;
        for (History.Publish p : answers.values()) {
            if (p.outcome() == History.Outcome.CONFIRMED) {
                confirmed.add(p.id());
            } else if (p.outcome() == History.Outcome.NACKED) {
                nacked++;
            }
        }
        SortedSet<Long> lost = new TreeSet<>();
        for (long id : confirmed) {
            if (!consumed.containsKey(id)) {
                lost.add(id);
            }
        }
        SortedSet<Long> duplicated = new TreeSet<>();
        SortedSet<Long> unexpected = new TreeSet<>();
        SortedSet<Long> recovered = new TreeSet<>();
        for (Map.Entry<Long, Integer> e : consumed.entrySet()) {
            long id = e.getKey();
            if (e.getValue() > 1) {
                duplicated.add(id);
            }
            if (!attempts.containsKey(id)) {
                unexpected.add(id);
            } else if (!confirmed.contains(id)) {
                recovered.add(id);
            }
        }
        int unknown = attempts.size() - confirmed.size() - nacked;
        return new Fates(attempts.size(), confirmed.size(), nacked, unknown, deliveries.size(), consumed.size(),
                lost, duplicated, unexpected, recovered);
    }
}
