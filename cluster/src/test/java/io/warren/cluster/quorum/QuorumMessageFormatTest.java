package io.warren.cluster.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.broker.message.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuorumMessageFormatTest {
    private static Message message(String exchange, String key, String props, String body) {
        return new Message(exchange, key, Unpooled.copiedBuffer(props, StandardCharsets.UTF_8),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    @Test
    void aMessageReadBackHasItsExchangeRoutingKeyPropertiesAndBody() {
        Message m = message("amq.topic", "a.b.é", "PROPS", "the body");
        ByteBuffer stored = QuorumMessageFormat.join(QuorumMessageFormat.encode(m));
        Message back = QuorumMessageFormat.decode(stored);
        assertEquals("amq.topic", back.exchange());
        assertEquals("a.b.é", back.routingKey());
        assertEquals("PROPS", back.propertyBytes().toString(StandardCharsets.UTF_8));
        assertEquals("the body", back.body().toString(StandardCharsets.UTF_8));
        m.release();
        back.release();
    }

    @Test
    void anEmptyBodyAndEmptyNamesRoundTrip() {
        Message m = message("", "", "", "");
        Message back = QuorumMessageFormat.decode(QuorumMessageFormat.join(QuorumMessageFormat.encode(m)));
        assertEquals("", back.exchange());
        assertEquals(0, back.bodySize());
        assertEquals(0, ByteBufUtil.getBytes(back.propertyBytes()).length);
    }

    @Test
    void truncatedBytesAreRefusedWithTheReason() {
        ByteBuffer stored = QuorumMessageFormat.join(QuorumMessageFormat.encode(message("x", "key", "pp", "b")));
        ByteBuffer cut = stored.duplicate().limit(6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuorumMessageFormat.decode(cut));
        assertEquals(true, e.getMessage().contains("runs past") || e.getMessage().contains("truncated"),
                e.getMessage());
    }
}
