package io.warren.cluster.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.admin.ListenerView;
import io.warren.broker.admin.MessageTotalsView;
import io.warren.broker.alarm.Resource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A node's status report survives the trip through its frame payload; one that cannot be read is refused. */
class StatusCodecTest {
    private static NodeStatus sample() {
        return new NodeStatus("warren@h1", 12_345, 300L << 20, 1L << 30, 50L << 30, 50L << 20,
                Set.of(Resource.MEMORY, Resource.DISK), 81, 1024, 2, 3, 4, 5, 6, "1.2.3", "17.0.15",
                List.of(new ListenerView("amqp", "0.0.0.0", 5672), new ListenerView("http", "::", 15672)),
                new MessageTotalsView(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), true,
                List.of(new QueueFigures("/", "orders", 7, 2, 1, 700, 10, 3, 1, 2, 1),
                        new QueueFigures("vh é", "ü", 0, 0, 0, 0, 0, 0, 0, 0, 0)));
    }

    @Test
    void everyFieldComesBackAsItWasSent() {
        NodeStatus s = sample();
        ByteBuf b = StatusCodec.encode(ByteBufAllocator.DEFAULT, s);
        try {
            assertEquals(s, StatusCodec.decode(b));
            assertEquals(0, b.readableBytes());
        } finally {
            b.release();
        }
        NodeStatus quiet = new NodeStatus("b", 1, 2, 3, 4, 5, Set.of(), -1, -1, 1, 0, 0, 0, 0, "", "", List.of(),
                MessageTotalsView.ZERO, false, List.of());
        ByteBuf q = StatusCodec.encode(ByteBufAllocator.DEFAULT, quiet);
        try {
            assertEquals(quiet, StatusCodec.decode(q));
        } finally {
            q.release();
        }
    }

    @Test
    void aReportOfAnotherFormatIsIgnoredAndATruncatedOneRefused() {
        ByteBuf b = StatusCodec.encode(ByteBufAllocator.DEFAULT, sample());
        ByteBuf lying = b.copy();
        try {
            b.setByte(0, StatusCodec.FORMAT + 1);
            assertNull(StatusCodec.decode(b.duplicate()));
            b.setByte(0, StatusCodec.FORMAT);
            ByteBuf cut = b.slice(0, b.readableBytes() - 9);
            assertThrows(IndexOutOfBoundsException.class, () -> StatusCodec.decode(cut));
            lying.setInt(1, Integer.MAX_VALUE); // the node name's length
            assertThrows(IndexOutOfBoundsException.class, () -> StatusCodec.decode(lying));
        } finally {
            b.release();
            lying.release();
        }
    }

    @Test
    void aReportIsSmallAndGrowsWithTheQueuesListed() {
        NodeStatus none = new NodeStatus("nodea", 1, 2, 3, 4, 5, Set.of(), 80, 1024, 2, 1, 1, 0, 1000, "0.1.0",
                "17.0.15", List.of(new ListenerView("amqp", "127.0.0.1", 5672),
                new ListenerView("http", "127.0.0.1", 15672)), MessageTotalsView.ZERO, false, List.of());
        ByteBuf b = StatusCodec.encode(ByteBufAllocator.DEFAULT, none);
        int size = b.readableBytes();
        b.release();
        assertEquals(true, size < 300, size + " bytes");
        NodeStatus one = new NodeStatus("nodea", 1, 2, 3, 4, 5, Set.of(), 80, 1024, 2, 1, 1, 0, 1000, "0.1.0",
                "17.0.15", none.listeners(), MessageTotalsView.ZERO, false, List.of(new QueueFigures("/", "orders", 1, 0, 0, 1, 1, 0, 0, 0,
                0)));
        ByteBuf c = StatusCodec.encode(ByteBufAllocator.DEFAULT, one);
        // per queue: its vhost and name, each with its length, 3 ints and 6 longs
        assertEquals(size + 4 + 1 + 4 + 6 + 3 * 4 + 6 * 8, c.readableBytes());
        c.release();
    }
}
