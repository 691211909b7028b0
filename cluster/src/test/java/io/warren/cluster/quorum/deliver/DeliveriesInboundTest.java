package io.warren.cluster.quorum.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.warren.cluster.quorum.state.ConsumerKey;
import io.warren.cluster.quorum.state.QueueKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delivery frames as the receiving node's link reads them, in front of the rest of its pipeline. */
class DeliveriesInboundTest {
    private static final QueueKey Q = new QueueKey("vh", "queue-ü");
    private static final ConsumerKey HERE = new ConsumerKey("nodeb", 7, 42);

    private final QuorumEndpoints endpoints = new QuorumEndpoints();
    private final EmbeddedChannel link = new EmbeddedChannel(
            new LengthFieldBasedFrameDecoder(Integer.MAX_VALUE - 8, 0, 4, 0, 4), new DeliveriesInbound(endpoints));

    private static ByteBuffer stored(String body) {
        return LeaderFixture.stored(Q, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBatchOfFramesReachesEachConsumerInOrderWithItsFlags() {
        RecordingTarget target = new RecordingTarget();
        RecordingTarget other = new RecordingTarget();
        ConsumerKey there = new ConsumerKey("nodeb", 7, 43);
        endpoints.register(HERE, target);
        endpoints.register(there, other);
        DeliveryFrames.Batch batch = new DeliveryFrames.Batch(ByteBufAllocator.DEFAULT);
        batch.deliver(Q, HERE, 1, false, false, 0, stored("one"));
        batch.deliver(Q, HERE, 2, true, true, 3, stored("two"));
        batch.activity(Q, there, true);
        batch.deliver(Q, there, 3, false, false, 0, stored("three"));
        batch.cancelled(Q, HERE, "queue deleted");

        link.writeInbound(batch.finish());

        assertEquals(List.of(new RecordingTarget.Got(1, false, 0, "", "queue-ü", "one", Thread.currentThread()
                .getName()), new RecordingTarget.Got(2, true, 3, "", "queue-ü", "two", Thread.currentThread()
                .getName())), target.got);
        assertEquals(List.of("queue deleted"), target.cancelled);
        assertEquals(List.of(true), other.activity);
        assertEquals(List.of(3L), other.ids());
    }

    @Test
    void deliveriesForAConsumerThisNodeDoesNotKnowAreDroppedAndReleased() {
        ByteBuf built = frameFor(HERE, "lost");
        ByteBuf frame = Unpooled.copiedBuffer(built); // one piece, so its count shows what its messages hold
        built.release();
        frame.skipBytes(4);
        DeliveryFrames.Frame read = DeliveryFrames.read(frame);
        frame.release();
        assertEquals(2, frame.refCnt(), "the message's property bytes and body hold slices of the frame");

        DeliveriesInbound.hand(read, endpoints);

        assertEquals(0, frame.refCnt(), "dropped, and its message released");
    }

    @Test
    void otherFrameTypesPassOnToTheRestOfThePipeline() {
        ByteBuf other = Unpooled.buffer().writeInt(5).writeByte(4).writeInt(99);
        link.writeInbound(other);
        ByteBuf passed = link.readInbound();
        assertEquals(4, passed.getByte(0), "the DELIVER of classic queues, untouched");
        passed.release();
    }

    @Test
    void aTruncatedFrameIsIgnoredAndTheConnectionCarriesOn() {
        ByteBuf bad = Unpooled.buffer().writeInt(6).writeByte(DeliveryFrames.Q_DELIVER).writeByte(0).writeByte(9)
                .writeByte('x').writeByte('y').writeByte('z');
        link.writeInbound(bad);
        assertEquals(0, bad.refCnt());
        assertTrue(link.isActive());

        RecordingTarget target = new RecordingTarget();
        endpoints.register(HERE, target);
        link.writeInbound(frameFor(HERE, "after"));
        assertEquals(List.of("after"), target.got.stream().map(RecordingTarget.Got::body).toList());
    }

    @Test
    void aLargeRunOfMessagesIsSplitIntoFramesOfBoundedSize() {
        RecordingTarget target = new RecordingTarget();
        endpoints.register(HERE, target);
        DeliveryFrames.Batch batch = new DeliveryFrames.Batch(ByteBufAllocator.DEFAULT);
        byte[] mib = new byte[1024 * 1024];
        for (int i = 0; i < 10; i++) {
            batch.deliver(Q, HERE, i + 1, false, false, 0, LeaderFixture.stored(Q, mib));
        }
        ByteBuf all = batch.finish();
        int frames = 0;
        for (int at = 0; at < all.writerIndex(); at += 4 + all.getInt(at)) {
            assertTrue(all.getInt(at) <= DeliveryFrames.FRAME_BYTES + 2 * 1024 * 1024, "frame of " + all.getInt(at));
            frames++;
        }
        assertTrue(frames >= 2, "split: " + frames);
        link.writeInbound(all);
        assertEquals(10, target.got.size());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), target.ids());
    }

    @Test
    void manySmallMessagesAreSplitIntoFramesOfBoundedCount() {
        RecordingTarget target = new RecordingTarget();
        endpoints.register(HERE, target);
        DeliveryFrames.Batch batch = new DeliveryFrames.Batch(ByteBufAllocator.DEFAULT);
        int n = DeliveryFrames.FRAME_MESSAGES * 2 + 5;
        for (int i = 0; i < n; i++) {
            batch.deliver(Q, HERE, i + 1, false, false, 0, stored("s" + i));
        }
        ByteBuf all = batch.finish();
        int frames = 0;
        for (int at = 0; at < all.writerIndex(); at += 4 + all.getInt(at)) {
            frames++;
        }
        assertEquals(3, frames);
        link.writeInbound(all);
        assertEquals(n, target.got.size());
        assertEquals("s" + (n - 1), target.got.get(n - 1).body());
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, target.got.get(i).msgId());
        }
    }

    private static ByteBuf frameFor(ConsumerKey key, String body) {
        DeliveryFrames.Batch batch = new DeliveryFrames.Batch(ByteBufAllocator.DEFAULT);
        batch.deliver(Q, key, 1, false, false, 0, stored(body));
        return batch.finish();
    }
}
