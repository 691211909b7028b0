package io.warren.broker.connection;

import io.netty.util.collection.IntObjectHashMap;
import io.warren.broker.channel.AmqpChannel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * A connection's channels by number, and the numbers whose channel has closed. A client may still send frames on
 * a channel it has just closed (another of its threads acks while one closes, and a frame in flight crosses the
 * broker's channel.close): RabbitMQ drops those, so a closed number stays known as such until a channel.open
 * reuses it, and its frames are not taken for frames on a channel that was never opened. Connection thread only.
 */
final class ChannelTable {
    private final IntObjectHashMap<AmqpChannel> open = new IntObjectHashMap<>();
    private final BitSet closed = new BitSet();

    AmqpChannel get(int number) {
        return open.get(number);
    }

    void opened(AmqpChannel ch) {
        open.put(ch.number(), ch);
        closed.clear(ch.number());
    }

    void closed(AmqpChannel ch) {
        if (open.get(ch.number()) == ch) {
            open.remove(ch.number());
            closed.set(ch.number());
        }
    }

    /** True when the number's channel has closed and no channel.open has reused it since. */
    boolean wasClosed(int number) {
        return closed.get(number);
    }

    Collection<AmqpChannel> all() {
        return open.values();
    }

    List<AmqpChannel> snapshot() {
        return new ArrayList<>(open.values());
    }

    int size() {
        return open.size();
    }

    void clear() {
        open.clear();
    }
}
