package io.warren.codec.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.warren.codec.AmqpProtocolException;
import io.warren.codec.BasicProperties;
import io.warren.codec.FieldTables;
import io.warren.codec.Method;
import io.warren.codec.MethodCodec;
import io.warren.codec.methods.MethodSamples;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile input must only ever yield frames or AmqpProtocolException (possibly inside Netty's
 * DecoderException): never IndexOutOfBounds, NPE, hangs or large allocations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameDecoderFuzzTest {
    private static final long SEED = 0x5EED_0091L;
    /** Per-input allocation ceiling; generous for the channel and bookkeeping, far below a 2 GB payload. */
    private static final long MAX_ALLOCATION_PER_INPUT = 8L * 1024 * 1024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Random random = new Random(SEED);
    private int errors;
    private int frames;

    @Test
    void randomBytesAfterAValidHeaderOnlyYieldFramesOrProtocolErrors() {
        for (int i = 0; i < 4000; i++) {
            byte[] input = new byte[random.nextInt(300)];
            random.nextBytes(input);
            feed(input);
        }
        assertTrue(errors > 1000, "most random input is rejected: " + errors);
    }

    @Test
    void randomFramesWithPlausibleTypesOnlyYieldFramesOrProtocolErrors() {
        int[] types = {1, 2, 3, 8};
        for (int i = 0; i < 4000; i++) {
            ByteBuf wire = Unpooled.buffer();
            int count = 1 + random.nextInt(3);
            for (int f = 0; f < count; f++) {
                byte[] payload = new byte[random.nextInt(64)];
                random.nextBytes(payload);
                if (random.nextBoolean() && payload.length >= 4) {
                    // Aim at real methods so argument decoding is exercised, not just dispatch.
                    Method m = pick(MethodSamples.all());
                    payload[0] = 0;
                    payload[1] = (byte) m.classId();
                    payload[2] = 0;
                    payload[3] = (byte) m.methodId();
                }
                int end = random.nextInt(10) == 0 ? random.nextInt(256) : FrameWriter.FRAME_END;
                wire.writeBytes(DecoderHarness.rawFrame(types[random.nextInt(types.length)],
                        random.nextInt(3), payload.length, payload, end));
            }
            feed(toBytes(wire));
        }
        assertTrue(frames > 100, "some random frames are valid: " + frames);
    }

    @Test
    void mutatedAndTruncatedValidFramesOnlyYieldFramesOrProtocolErrors() {
        List<byte[]> valid = validFrames();
        for (int i = 0; i < 6000; i++) {
            byte[] input = mutate(pick(valid));
            feed(input);
        }
        assertTrue(errors > 0 && frames > 0, "errors=" + errors + " frames=" + frames);
    }

    @Test
    void mutatedMethodPayloadsOnlyThrowProtocolErrors() {
        for (Method m : MethodSamples.all()) {
            ByteBuf encoded = Unpooled.buffer();
            MethodCodec.encode(m, encoded);
            byte[] bytes = toBytes(encoded);
            for (int i = 0; i < 200; i++) {
                byte[] mutated = mutate(bytes);
                try {
                    MethodCodec.decode(Unpooled.wrappedBuffer(mutated));
                } catch (AmqpProtocolException expected) {
                    errors++;
                }
            }
        }
    }

    @Test
    void mutatedPropertiesAndTablesOnlyThrowProtocolErrors() {
        ByteBuf props = Unpooled.buffer();
        BasicProperties withEverything = new BasicProperties("a", "b",
                Map.of("t", Map.of("n", List.of(1, 2L, "s", new byte[] {1}, 1.5d))), 1, 2, "c", "d", "e", "f",
                3L, "g", "h", "i", "j");
        withEverything.encode(props);
        byte[] bytes = toBytes(props);
        for (int i = 0; i < 5000; i++) {
            byte[] mutated = mutate(bytes);
            try {
                BasicProperties.deliveryMode(Unpooled.wrappedBuffer(mutated));
                BasicProperties.validate(Unpooled.wrappedBuffer(mutated));
                BasicProperties.decode(Unpooled.wrappedBuffer(mutated));
            } catch (AmqpProtocolException expected) {
                errors++;
            }
            try {
                FieldTables.read(Unpooled.wrappedBuffer(mutated));
            } catch (AmqpProtocolException expected) {
                errors++;
            }
        }
    }

    @Test
    void sizeFieldOfIntMaxIsRejectedWithoutAllocatingThePayload() {
        for (int frameMax : new int[] {FrameDecoder.DEFAULT_MAX_FRAME_SIZE, 0}) {
            long before = allocatedBytes();
            DecoderHarness h = DecoderHarness.afterProtocolHeader();
            h.decoder.setMaxFrameSize(frameMax);
            ByteBuf header = Unpooled.buffer().writeByte(3).writeShort(1).writeInt(Integer.MAX_VALUE).writeBytes(new byte[100]);
            AmqpProtocolException e = h.writeExpectingError(header);
            assertEquals(501, e.replyCode());
            long allocated = allocatedBytes() - before;
            assertTrue(allocated < MAX_ALLOCATION_PER_INPUT, "allocated " + allocated + " bytes");
        }
    }

    private void feed(byte[] input) {
        long before = allocatedBytes();
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        List<ByteBuf> chunks = split(input);
        boolean failed = false;
        try {
            for (ByteBuf chunk : chunks) {
                boolean failedBefore = failed;
                try {
                    h.write(chunk);
                } catch (DecoderException e) {
                    assertInstanceOf(AmqpProtocolException.class, e.getCause(), () -> "unexpected cause " + e.getCause());
                    assertTrue(!failed, "only one protocol error per connection; later input is discarded");
                    failed = true;
                    errors++;
                }
                List<Object> decoded = h.readAll();
                assertTrue(!failedBefore || decoded.isEmpty(), "no frames after a protocol error");
                inspect(decoded);
            }
            h.channel.finish();
            inspect(h.readAll());
        } catch (Throwable t) {
            fail("unexpected " + t + " for input of " + input.length + " bytes", t);
        } finally {
            h.channel.finishAndReleaseAll();
        }
        for (ByteBuf chunk : chunks) {
            assertEquals(0, chunk.refCnt(), "every input buffer released");
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < MAX_ALLOCATION_PER_INPUT, "allocated " + allocated + " bytes for " + input.length + " input bytes");
    }

    private void inspect(List<Object> decoded) {
        for (Object o : decoded) {
            assertInstanceOf(Frame.class, o);
            frames++;
            if (o instanceof ContentHeaderFrame header) {
                // the decoder leaves the property list to the receiver: reading it may fail, but only as a protocol error
                try {
                    header.deliveryMode();
                    header.properties();
                } catch (AmqpProtocolException acceptable) {
                    errors++;
                }
            }
            ReferenceCountUtil.release(o);
        }
    }

    private List<ByteBuf> split(byte[] input) {
        List<ByteBuf> chunks = new ArrayList<>();
        int pos = 0;
        while (pos < input.length) {
            int len = Math.min(input.length - pos, 1 + random.nextInt(Math.max(1, input.length / 2)));
            chunks.add(Unpooled.copiedBuffer(input, pos, len));
            pos += len;
        }
        return chunks;
    }

    private byte[] mutate(byte[] original) {
        byte[] bytes = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            case 1 -> {
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips && bytes.length > 0; i++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> {
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            case 3 -> {
                // Plant an extreme length where a length field might be.
                if (bytes.length >= 4) {
                    int at = random.nextInt(bytes.length - 3);
                    int value = random.nextBoolean() ? Integer.MAX_VALUE : -1;
                    Unpooled.wrappedBuffer(bytes).setInt(at, value);
                }
            }
            default -> {
                byte[] extra = new byte[random.nextInt(16)];
                random.nextBytes(extra);
                byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + extra.length);
                System.arraycopy(extra, 0, longer, bytes.length, extra.length);
                return longer;
            }
        }
        return bytes;
    }

    private static List<byte[]> validFrames() {
        List<byte[]> valid = new ArrayList<>();
        for (Method m : MethodSamples.all()) {
            valid.add(toBytes(DecoderHarness.methodFrame(1, m)));
        }
        valid.add(toBytes(DecoderHarness.headerFrame(1, 3, BasicPropertiesTestData.ALL)));
        valid.add(toBytes(DecoderHarness.headerFrame(1, 0, BasicProperties.EMPTY)));
        valid.add(toBytes(DecoderHarness.bodyFrame(1, new byte[] {1, 2, 3})));
        ByteBuf heartbeat = Unpooled.buffer();
        FrameWriter.writeHeartbeat(heartbeat);
        valid.add(toBytes(heartbeat));
        return valid;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static byte[] toBytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    private long allocatedBytes() {
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Properties with every field set, including a nested table. */
    static final class BasicPropertiesTestData {
        static final BasicProperties ALL = new BasicProperties("application/json", "gzip",
                Map.of("x-death", List.of(Map.of("count", 1L))), 2, 9, "corr", "reply", "1000", "id",
                1_700_000_000L, "type", "user", "app", "cluster");
    }
}
