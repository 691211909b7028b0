package io.warren.cluster.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.admin.ConsumerView;
import io.warren.broker.admin.NodeConsumerView;
import io.warren.broker.queue.StreamConsumerStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumers query and its answer read back exactly as written, framed as the link frames them. */
class ConsumerListFramesTest {
    /** Checks the frame's length and type, and leaves it at the payload after the type byte. */
    private static ByteBuf payload(ByteBuf frame, byte type) {
        assertEquals(frame.readableBytes() - 4, frame.readInt(), "length prefix");
        assertEquals(type, frame.readByte());
        return frame;
    }

    private static NodeConsumerView withoutArguments(NodeConsumerView n) {
        ConsumerView c = n.consumer();
        return new NodeConsumerView(n.node(), n.peerHost(), n.peerPort(), new ConsumerView(c.vhost(), c.queue(),
                c.tag(), c.ackRequired(), c.exclusive(), c.prefetchCount(), Map.of(), c.connectionName(),
                c.channelNumber(), c.user(), c.active(), c.activityStatus(), c.stream()));
    }

    @Test
    void aQueryForAllOrOneQueueReadsBackWithItsMissingPartsAsNull() {
        ByteBuf all = payload(ConsumerListFrames.query(ByteBufAllocator.DEFAULT, 7, null, null), LinkFrames.CONSUMERS);
        assertEquals(new ConsumerListFrames.Query(7, null, null), ConsumerListFrames.readQuery(all));
        all.release();
        ByteBuf one = payload(ConsumerListFrames.query(ByteBufAllocator.DEFAULT, 8, "/", "q"), LinkFrames.CONSUMERS);
        assertEquals(new ConsumerListFrames.Query(8, "/", "q"), ConsumerListFrames.readQuery(one));
        one.release();
    }

    @Test
    void consumersReadBackWithTheirNodeAddressArgumentsAndStreamPosition() {
        NodeConsumerView plain = new NodeConsumerView("nodeb", "10.0.0.9", 51234, new ConsumerView("/", "q", "c1",
                true, false, 7, Map.of("x-priority", 5, "x-custom", "é"), "10.0.0.9:51234 -> 10.0.0.2:5672", 3,
                "guest", true, "up", null));
        NodeConsumerView stream = new NodeConsumerView("nodec", "::1", 1, new ConsumerView("v", "s", "c2", true,
                true, 100, Map.of(), "c", 1, "alice", false, "waiting",
                new StreamConsumerStatus("c2", 42, 41, -1, null, 3)));
        ByteBuf frame = payload(ConsumerListFrames.list(ByteBufAllocator.DEFAULT, 9, List.of(plain, stream)),
                LinkFrames.CONSUMER_LIST);
        assertEquals(9, frame.readLong());
        List<NodeConsumerView> read = ConsumerListFrames.readList(frame);
        assertEquals(0, frame.readableBytes());
        frame.release();
        // a string argument comes back as the field table's long string, as a basic.consume's would
        Map<String, Object> arguments = read.get(0).consumer().arguments();
        assertEquals(5, arguments.get("x-priority"));
        assertEquals("é", arguments.get("x-custom").toString());
        assertEquals(withoutArguments(plain), withoutArguments(read.get(0)));
        assertEquals(stream, read.get(1));
        assertNull(read.get(1).consumer().stream().group());
    }
}
