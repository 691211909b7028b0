package io.warren.codec.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.Method;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Connection;
import io.warren.codec.methods.MethodSamples;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MethodRoundTripTest {

    @Test
    void everyGeneratedMethodSurvivesFrameWriterAndFrameDecoder() {
        List<Method> samples = MethodSamples.all();
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        int channel = 1;
        for (Method m : samples) {
            h.write(DecoderHarness.methodFrame(channel, m));
            MethodFrame frame = assertInstanceOf(MethodFrame.class, h.channel.readInbound(), m.name());
            assertEquals(channel, frame.channel());
            assertEquals(m, frame.method(), m.name());
            channel = (channel * 31 + 7) & 0xFFFF;
        }
        Set<Class<?>> types = new HashSet<>();
        samples.forEach(m -> types.add(m.getClass()));
        assertEquals(MethodSamples.METHOD_COUNT, types.size());
        assertEquals(66, types.size(), "spec methods plus RabbitMQ extensions and access");
    }

    @Test
    void manyMethodFramesInOneReadAllDecodeInOrder() {
        ByteBuf all = Unpooled.buffer();
        List<Method> samples = MethodSamples.all();
        samples.forEach(m -> FrameWriter.writeMethod(all, 3, m));
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        h.write(all);
        List<Object> frames = h.readAll();
        assertEquals(samples.size(), frames.size());
        for (int i = 0; i < samples.size(); i++) {
            assertEquals(new MethodFrame(3, samples.get(i)), frames.get(i));
        }
    }

    @Test
    void frameSplitIntoSingleBytesWaitsAndThenDecodes() {
        ByteBuf frame = DecoderHarness.methodFrame(5, new Basic.Publish("amq.direct", "rk", true, false));
        DecoderHarness h = DecoderHarness.afterProtocolHeader();
        while (frame.readableBytes() > 1) {
            h.write(frame.readRetainedSlice(1));
            assertTrue(h.readAll().isEmpty(), "truncated frame waits for more bytes");
        }
        h.write(frame);
        assertEquals(new MethodFrame(5, new Basic.Publish("amq.direct", "rk", true, false)), h.channel.readInbound());
    }

    @Test
    void contentMethodsAreExactlyPublishReturnDeliverAndGetOk() {
        Set<String> withContent = new HashSet<>();
        MethodSamples.all().stream().filter(Method::hasContent).forEach(m -> withContent.add(m.name()));
        assertEquals(Set.of("basic.publish", "basic.return", "basic.deliver", "basic.get-ok"), withContent);
        assertFalse(Connection.CloseOk.INSTANCE.hasContent());
    }
}
