package io.warren.bench.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.warren.codec.BasicProperties;
import io.warren.codec.frame.FrameDecoder;
import io.warren.codec.frame.FrameWriter;
import io.warren.codec.methods.Basic;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Decoding cost of one published message: basic.publish + content header + 1 KiB body frame. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private ByteBuf message;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] body = new byte[1024];
        BasicProperties props = new BasicProperties("application/octet-stream", null,
                Map.of("x-source", "bench"), 2, null, null, null, null, "msg-1", null, null, null, null, null);
        ByteBuf wire = Unpooled.directBuffer();
        FrameWriter.writeMethod(wire, 1, new Basic.Publish("amq.direct", "bench.key", false, false));
        FrameWriter.writeContentHeader(wire, 1, body.length, props);
        FrameWriter.writeBodyFrame(wire, 1, Unpooled.wrappedBuffer(body));
        message = Unpooled.unreleasableBuffer(wire);

        channel = new EmbeddedChannel(new FrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(PROTOCOL_HEADER));
        channel.readInbound();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** Full pipeline path: the decoder sees one read containing the three frames. */
    @Benchmark
    public void decodePublishHeaderAndBody(Blackhole bh) {
        // duplicate(): the decoder consumes indexes; the bytes themselves are shared, not copied.
        channel.writeInbound(message.duplicate());
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            bh.consume(frame);
            ReferenceCountUtil.release(frame);
        }
    }

    /** As above plus the broker's typical peek at the delivery mode. */
    @Benchmark
    public int decodeAndPeekDeliveryMode() {
        channel.writeInbound(message.duplicate());
        int mode = 0;
        for (Object frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
            if (frame instanceof io.warren.codec.frame.ContentHeaderFrame header) {
                mode = header.deliveryMode();
            }
            ReferenceCountUtil.release(frame);
        }
        return mode;
    }
}
