package io.warren.broker.connection;

import static io.warren.codec.ReplyCodes.CHANNEL_ERROR;
import static io.warren.codec.ReplyCodes.NOT_ALLOWED;
import static io.warren.codec.ReplyCodes.UNEXPECTED_FRAME;

import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.error.AmqpException;
import io.warren.codec.frame.Frame;
import io.warren.codec.frame.MethodFrame;
import io.warren.codec.methods.Channel;
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

    /**
     * The open channel a frame is for. A channel.open on a free number opens one and answers it (null: the frame is
     * handled); a frame on a channel the client just closed is dropped (null); anything else on a channel that is
     * not open is a connection error. Releases the frames it does not hand on.
     */
    AmqpChannel route(Frame frame, AmqpConnection connection) {
        int number = frame.channel();
        AmqpChannel ch = open.get(number);
        if (ch != null) {
            return ch;
        }
        if (frame instanceof MethodFrame mf && mf.method() instanceof Channel.Open) {
            if (number > connection.channelMax()) {
                throw AmqpException.connection(NOT_ALLOWED, "channel number %d exceeds channel_max %d", number,
                        connection.channelMax());
            }
            ConnectionLimits.checkChannelOpen(connection.broker(), connection.user().name());
            opened(new AmqpChannel(connection, number));
            connection.output().method(number, new Channel.OpenOk());
            return null;
        }
        ReferenceCountUtil.release(frame);
        if (wasClosed(number)) {
            return null; // sent before the client knew of the close
        }
        if (frame instanceof MethodFrame mf) {
            throw AmqpException.connection(CHANNEL_ERROR, "expected 'channel.open' on channel %d, got '%s'",
                    number, mf.method().name()).causedBy(mf.method().classId(), mf.method().methodId());
        }
        throw AmqpException.connection(UNEXPECTED_FRAME, "content frame on channel %d, which is not open", number);
    }

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
