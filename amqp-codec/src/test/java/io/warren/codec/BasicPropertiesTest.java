package io.warren.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BasicPropertiesTest {

    static final BasicProperties ALL = new BasicProperties("application/json", "gzip",
            new LinkedHashMap<>(Map.of("x-count", 3)), 2, 9, "corr-1", "reply.q", "60000", "msg-1",
            1_700_000_000L, "order.created", "guest", "shop", "cluster-a");

    private static ByteBuf encode(BasicProperties p) {
        ByteBuf buf = Unpooled.buffer();
        p.encode(buf);
        return buf;
    }

    @Test
    void allFourteenPropertiesRoundTrip() {
        ByteBuf buf = encode(ALL);
        assertEquals(0xFFFC, buf.getUnsignedShort(0), "every property flag set, no continuation");
        assertEquals(ALL, BasicProperties.decode(buf));
        assertFalse(buf.isReadable());
    }

    @Test
    void eachPropertyAloneRoundTrips() {
        Object[] values = {"ct", "ce", Map.of("h", true), 1, 0, "c", "r", "e", "m", 5L, "t", "u", "a", "cl"};
        for (int i = 0; i < values.length; i++) {
            Object[] args = new Object[values.length];
            args[i] = values[i];
            BasicProperties p = of(args);
            assertEquals(p, BasicProperties.decode(encode(p)), "property " + i);
        }
    }

    @Test
    void emptyPropertiesAreTwoZeroFlagBytes() {
        ByteBuf buf = encode(BasicProperties.EMPTY);
        assertEquals(2, buf.readableBytes());
        assertEquals(0, buf.getUnsignedShort(0));
        assertEquals(BasicProperties.EMPTY, BasicProperties.decode(buf));
    }

    @Test
    void deliveryModePeekSkipsEarlierPropertiesWithoutMovingTheReaderIndex() {
        ByteBuf buf = encode(ALL);
        int readerIndex = buf.readerIndex();
        assertEquals(2, BasicProperties.deliveryMode(buf));
        assertEquals(readerIndex, buf.readerIndex());
        assertTrue(BasicProperties.hasHeaders(buf));
    }

    @Test
    void deliveryModePeekIsZeroWhenAbsent() {
        assertEquals(0, BasicProperties.deliveryMode(encode(BasicProperties.EMPTY)));
        BasicProperties noMode = new BasicProperties("text/plain", null, Map.of("h", 1), null, 5,
                null, null, null, null, null, null, null, null, null);
        assertEquals(0, BasicProperties.deliveryMode(encode(noMode)));
    }

    @Test
    void priorityPeekSkipsEarlierPropertiesAndIsZeroWhenAbsent() {
        ByteBuf buf = encode(ALL);
        int readerIndex = buf.readerIndex();
        assertEquals(9, BasicProperties.priority(buf));
        assertEquals(readerIndex, buf.readerIndex());
        assertEquals(0, BasicProperties.priority(encode(BasicProperties.EMPTY)));
        BasicProperties noMode = new BasicProperties("text/plain", null, Map.of("h", 1), null, 200,
                null, null, null, null, null, null, null, null, null);
        assertEquals(200, BasicProperties.priority(encode(noMode)));
    }

    @Test
    void withHeadersReplacesOnlyTheHeaders() {
        BasicProperties p = ALL.withHeaders(Map.of("k", 1));
        assertEquals(Map.of("k", 1), p.headers());
        assertEquals(ALL.messageId(), p.messageId());
    }

    @Test
    void continuationFlagWordsAreAccepted() {
        ByteBuf buf = Unpooled.buffer().writeShort(0x8001).writeShort(0).writeByte(4).writeBytes("text".getBytes());
        assertEquals("text", BasicProperties.decode(buf).contentType());
    }

    @Test
    void unknownPropertyFlagIsSyntaxError() {
        ByteBuf buf = Unpooled.buffer().writeShort(0x0002);
        assertEquals(ReplyCodes.SYNTAX_ERROR,
                assertThrows(AmqpProtocolException.class, () -> BasicProperties.decode(buf)).replyCode());
    }

    @Test
    void truncatedPropertiesAreSyntaxErrorsForDecodePeekAndValidate() {
        ByteBuf full = encode(ALL);
        for (int len = 0; len < full.readableBytes(); len++) {
            ByteBuf cut = full.copy(0, len);
            assertEquals(ReplyCodes.SYNTAX_ERROR,
                    assertThrows(AmqpProtocolException.class, () -> BasicProperties.validate(cut)).replyCode());
            assertEquals(ReplyCodes.SYNTAX_ERROR,
                    assertThrows(AmqpProtocolException.class, () -> BasicProperties.decode(cut.duplicate())).replyCode());
        }
    }

    private static BasicProperties of(Object[] a) {
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) a[2];
        return new BasicProperties((String) a[0], (String) a[1], headers, (Integer) a[3], (Integer) a[4],
                (String) a[5], (String) a[6], (String) a[7], (String) a[8], (Long) a[9], (String) a[10],
                (String) a[11], (String) a[12], (String) a[13]);
    }
}
