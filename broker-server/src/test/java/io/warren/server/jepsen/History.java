package io.warren.server.jepsen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the clients and the nemesis saw during a run, recorded from many threads: every publish attempt and its
 * answer, every delivery (during the run and in the final drain alike), every fault. The checker reads it at the end.
 */
public final class History {
    /** A publish's answer: confirmed (basic.ack), nacked (basic.nack), or unknown (timeout, connection lost). */
    public enum Outcome { CONFIRMED, NACKED, UNKNOWN }

    /** One answered publish; the times are System.nanoTime(). */
    public record Publish(long id, int queue, long sentNanos, long answeredNanos, Outcome outcome) {}

    private final Map<Long, Integer> attempts = new ConcurrentHashMap<>();
    private final Map<Long, Publish> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Long> deliveries = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<FaultRecord> faults = new ConcurrentLinkedQueue<>();
    // per queue, the send time of the latest-sent message that was confirmed: the nemesis waits on it
    private final AtomicLongArray latestConfirmedSent;

    public History(int queues) {
        latestConfirmedSent = new AtomicLongArray(queues);
        for (int q = 0; q < queues; q++) {
            latestConfirmedSent.set(q, Long.MIN_VALUE);
        }
    }

    public int queues() {
        return latestConfirmedSent.length();
    }

    /** Called before the message is sent: from now on it may be delivered. */
    public void attempt(long id, int queue) {
        attempts.put(id, queue);
    }

    /** The publish's answer; an attempt that never gets one counts as unknown. */
    public void answer(Publish p) {
        answers.put(p.id(), p);
        if (p.outcome() == Outcome.CONFIRMED) {
            latestConfirmedSent.accumulateAndGet(p.queue(), p.sentNanos(), Math::max);
        }
    }

    /** A delivery of the message with this id (during the run or in the drain). */
    public void delivered(long id) {
        deliveries.add(id);
    }

    public void fault(FaultRecord f) {
        faults.add(f);
    }

    /** The send time of the latest-sent confirmed message of the queue; Long.MIN_VALUE before any. */
    public long latestConfirmedSent(int queue) {
        return latestConfirmedSent.get(queue);
    }

    /** Every attempted id and its queue. */
    public Map<Long, Integer> attempts() {
        return new HashMap<>(attempts);
    }

    /** Every answered publish by id. */
    public Map<Long, Publish> answers() {
        return new HashMap<>(answers);
    }

    /** Every delivery, in the order recorded. */
    public List<Long> deliveries() {
        return new ArrayList<>(deliveries);
    }

    public List<FaultRecord> faults() {
        return new ArrayList<>(faults);
    }
}
