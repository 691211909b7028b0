package io.warren.server.jepsen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The checker's fates on hand-made histories, one category at a time, as Jepsen's total-queue counts them. */
class CheckerTest {
    private final History history = new History(1);

    private void publish(long id, History.Outcome outcome) {
        history.attempt(id, 0);
        history.answer(new History.Publish(id, 0, id, id + 1, outcome));
    }

    private void consume(long... ids) {
        for (long id : ids) {
            history.delivered(id);
        }
    }

    @Test
    void everyConfirmedMessageConsumedOnceIsValidWithNothingToReport() {
        publish(1, History.Outcome.CONFIRMED);
        publish(2, History.Outcome.CONFIRMED);
        consume(2, 1);

        Fates f = Checker.check(history);

        assertTrue(f.valid(), f.table());
        assertEquals(2, f.confirmed());
        assertEquals(2, f.distinctConsumed());
        assertTrue(f.lost().isEmpty() && f.duplicated().isEmpty() && f.unexpected().isEmpty()
                && f.recovered().isEmpty(), f.table());
    }

    @Test
    void aConfirmedMessageNeverConsumedIsLostAndFailsTheRun() {
        publish(1, History.Outcome.CONFIRMED);
        publish(2, History.Outcome.CONFIRMED);
        publish(3, History.Outcome.CONFIRMED);
        consume(1, 3); // the deliberate mutation: confirmed id 2 dropped from what came out

        Fates f = Checker.check(history);

        assertEquals(new TreeSet<>(Set.of(2L)), f.lost());
        assertFalse(f.valid(), f.table());
        assertTrue(f.table().contains("lost ids (first 10): 2"), f.table());
    }

    @Test
    void aMessageConsumedTwiceIsDuplicatedButTheRunStaysValid() {
        publish(1, History.Outcome.CONFIRMED);
        consume(1, 1, 1);

        Fates f = Checker.check(history);

        assertEquals(Set.of(1L), f.duplicated());
        assertEquals(3, f.deliveries());
        assertTrue(f.valid(), f.table());
    }

    @Test
    void aMessageConsumedButNeverPublishedIsUnexpectedAndFailsTheRun() {
        publish(1, History.Outcome.CONFIRMED);
        consume(1, 99);

        Fates f = Checker.check(history);

        assertEquals(Set.of(99L), f.unexpected());
        assertTrue(f.recovered().isEmpty());
        assertFalse(f.valid(), f.table());
    }

    @Test
    void nackedOrUnknownMessagesThatCameOutAreRecoveredAndThoseThatDidNotAreNotLost() {
        publish(1, History.Outcome.NACKED);
        publish(2, History.Outcome.UNKNOWN);
        history.attempt(3, 0); // sent, never answered (the run stopped): unknown too
        publish(4, History.Outcome.NACKED);
        publish(5, History.Outcome.UNKNOWN);
        consume(1, 2, 3);

        Fates f = Checker.check(history);

        assertEquals(Set.of(1L, 2L, 3L), f.recovered());
        assertTrue(f.lost().isEmpty(), "only confirmed messages can be lost: " + f.table());
        assertEquals(5, f.attempted());
        assertEquals(2, f.nacked());
        assertEquals(3, f.unknown());
        assertTrue(f.valid(), f.table());
    }

    @Test
    void failoverIsTheTimeFromAFaultToTheFirstConfirmOfAMessageSentAfterIt() {
        // sent at 1 s, 5 s and 6 s; the one sent at 6 s answered first, at 7 s
        for (long[] p : List.of(new long[] {1, 2}, new long[] {5, 9}, new long[] {6, 7})) {
            history.attempt(p[0], 0);
            history.answer(new History.Publish(p[0], 0, p[0] * 1_000_000_000L, p[1] * 1_000_000_000L,
                    History.Outcome.CONFIRMED));
        }
        history.fault(new FaultRecord(1, Fault.KILL_HOME, 0, "warren@nodea", java.time.Instant.EPOCH,
                3_000_000_000L, 4_000_000_000L));

        List<Failover.Measure> m = Failover.measure(history);

        assertEquals(4.0, m.get(0).seconds(), 1e-9);
        assertTrue(Failover.table(m).contains("kill-home"), Failover.table(m));
    }
}
