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
    private final LongAdder channelsOpened = new LongAdder();
    private final LongAdder channelsClosed = new LongAdder();

    public MessageTotals() {
        for (int i = 0; i < retired.length; i++) {
            retired[i] = new LongAdder();
        }
    }

    /** A new channel's counters, counted until the channel retires them. */
    public ChannelCounters newChannel() {
        ChannelCounters c = new ChannelCounters();
        live.add(c);
        channelsOpened.increment();
        return c;
    }

    void addRetired(ChannelCounters c) {
        // added before removal: a reader in between may count it twice for one sample, never lose it
        for (int i = 0; i < retired.length; i++) {
            retired[i].add(c.get(i));
        }
        live.remove(c);
        channelsClosed.increment();
    }

    /** Channels opened since start (each channel registers its counters here once). */
    public long channelsOpened() {
        return channelsOpened.sum();
    }

    /** Channels closed since start. */
    public long channelsClosed() {
        return channelsClosed.sum();
    }

    /**
     * Publishes of open channels still waiting for their confirm: a gauge, so closed channels (whose pending
     * confirms went with them) do not count.
     */
    public long unconfirmed() {
        long n = 0;
        for (ChannelCounters c : live) {
            n += c.unconfirmed();
        }
        return n;
    }

    /** Open channels that have published at least once, as RabbitMQ counts publishers. */
    public int publishers() {
        int n = 0;
        for (ChannelCounters c : live) {
            if (c.get(ChannelCounters.PUBLISHED) > 0) {
                n++;
            }
        }
        return n;
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
