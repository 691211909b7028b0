package io.warren.broker.stats;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Broker-wide message totals. Live channels keep their own counters (nothing shared on the hot path); a channel
 * registers its counters when it opens and, when it closes, adds them here once. A reader sums the closed
 * channels' totals with the live channels' counters.
 */
public final class MessageTotals {
    private final LongAdder[] retired = new LongAdder[ChannelCounters.SIZE];
    private final Set<ChannelCounters> live = ConcurrentHashMap.newKeySet();
    private final LongAdder deadLettered = new LongAdder();

    public MessageTotals() {
        for (int i = 0; i < retired.length; i++) {
            retired[i] = new LongAdder();
        }
    }

    /** A new channel's counters, counted until the channel retires them. */
    public ChannelCounters newChannel() {
        ChannelCounters c = new ChannelCounters();
        live.add(c);
        return c;
    }

    void addRetired(ChannelCounters c) {
        // added before removal: a reader in between may count it twice for one sample, never lose it
        for (int i = 0; i < retired.length; i++) {
            retired[i].add(c.get(i));
        }
        live.remove(c);
    }

    /** Counts dead-lettered messages. */
    public void deadLettered(long n) {
        deadLettered.add(n);
    }

    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Every total (indexed as in {@link ChannelCounters}), closed and live channels together. */
    public long[] sum() {
        long[] out = new long[ChannelCounters.SIZE];
        for (int i = 0; i < out.length; i++) {
            out[i] = retired[i].sum();
        }
        for (ChannelCounters c : live) {
            for (int i = 0; i < out.length; i++) {
                out[i] += c.get(i);
            }
        }
        return out;
    }
}
