package io.warren.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.codec.methods.Basic;
import io.warren.codec.methods.Channel;
import io.warren.codec.methods.Confirm;
import io.warren.codec.methods.Connection;
import io.warren.codec.methods.Exchange;
import io.warren.codec.methods.MethodSamples;
import io.warren.codec.methods.Queue;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodCodecTest {

    private static ByteBuf encode(Method m) {
        ByteBuf out = Unpooled.buffer();
        MethodCodec.encode(m, out);
        return out;
    }

    private static AmqpProtocolException decodeError(ByteBuf payload) {
        return assertThrows(AmqpProtocolException.class, () -> MethodCodec.decode(payload));
    }

    @Test
    void unknownMethodOfKnownClassIsNotImplemented() {
        AmqpProtocolException e = decodeError(Unpooled.buffer().writeShort(60).writeShort(99));
        assertEquals(ReplyCodes.NOT_IMPLEMENTED, e.replyCode());
        assertEquals("NOT_IMPLEMENTED - unknown method 60/99", e.getMessage());
    }

    @Test
    void unknownClassIsCommandInvalid() {
        AmqpProtocolException e = decodeError(Unpooled.buffer().writeShort(77).writeShort(10));
        assertEquals(ReplyCodes.COMMAND_INVALID, e.replyCode());
        assertEquals("COMMAND_INVALID - unknown class 77", e.getMessage());
    }

    @Test
    void everyTruncationOfEveryMethodIsASyntaxError() {
        for (Method m : MethodSamples.all()) {
            ByteBuf full = encode(m);
            for (int len = 0; len < full.readableBytes(); len++) {
                ByteBuf truncated = full.copy(0, len);
                AmqpProtocolException e = decodeError(truncated);
                assertEquals(ReplyCodes.SYNTAX_ERROR, e.replyCode(), m.name() + " truncated to " + len);
                assertTrue(e.getMessage().startsWith("SYNTAX_ERROR - "), e.getMessage());
            }
        }
    }

    @Test
    void truncatedArgumentsNameTheMethod() {
        ByteBuf full = encode(new Basic.Publish("x", "rk", false, false));
        AmqpProtocolException e = decodeError(full.copy(0, full.readableBytes() - 1));
        assertTrue(e.getMessage().contains("basic.publish"), e.getMessage());
    }

    @Test
    void trailingBytesAfterArgumentsAreASyntaxError() {
        ByteBuf payload = encode(new Basic.Ack(7, true)).writeByte(0);
        AmqpProtocolException e = decodeError(payload);
        assertEquals(ReplyCodes.SYNTAX_ERROR, e.replyCode());
        assertTrue(e.getMessage().contains("basic.ack"), e.getMessage());
    }

    @Test
    void longStringLengthBeyondPayloadFailsWithoutAllocatingIt() {
        ByteBuf payload = Unpooled.buffer().writeShort(10).writeShort(21).writeInt(Integer.MAX_VALUE);
        AmqpProtocolException e = decodeError(payload);
        assertEquals(ReplyCodes.SYNTAX_ERROR, e.replyCode());
        assertTrue(e.getMessage().contains("connection.secure-ok"), e.getMessage());
    }

    @Test
    void shortStringOver255Utf8BytesIsRejectedOnEncode() {
        String tooLong = "\u00e9".repeat(128); // 256 UTF-8 bytes, only 128 chars
        assertThrows(IllegalArgumentException.class, () -> encode(new Queue.Declare(tooLong, false, false, false, false, false, Map.of())));
        String longest = "q".repeat(255);
        assertEquals(new Queue.DeclareOk(longest, 1, 2), MethodCodec.decode(encode(new Queue.DeclareOk(longest, 1, 2))));
    }

    @Test
    void consecutiveBitsShareOneOctetInSpecOrder() {
        // exchange.declare: reserved short, exchange, type, then passive durable auto-delete internal no-wait.
        ByteBuf out = encode(new Exchange.Declare("e", "t", true, false, true, false, true, null));
        byte[] expected = {0, 40, 0, 10, 0, 0, 1, 'e', 1, 't', 0b10101, 0, 0, 0, 0};
        assertArrayEquals(expected, ByteBufUtil.getBytes(out));
    }

    @Test
    void reservedFieldsAreWrittenAsZeroAndSkippedOnDecode() {
        ByteBuf out = encode(new Connection.Open("/vhost"));
        byte[] expected = {0, 10, 0, 40, 6, '/', 'v', 'h', 'o', 's', 't', 0, 0};
        assertArrayEquals(expected, ByteBufUtil.getBytes(out));

        // A peer may put anything in reserved fields; they are ignored.
        ByteBuf withJunk = Unpooled.buffer().writeShort(10).writeShort(40)
                .writeByte(1).writeByte('/').writeByte(3).writeBytes("abc".getBytes()).writeByte(1);
        assertEquals(new Connection.Open("/"), MethodCodec.decode(withJunk));
    }

    @Test
    void nullTableIsEncodedEmptyAndDecodedAsEmptyMapNeverNull() {
        Method decoded = MethodCodec.decode(encode(new Queue.Bind("q", "x", "rk", false, null)));
        assertEquals(Map.of(), ((Queue.Bind) decoded).arguments());
    }

    @Test
    void closeMethodsExposeTheFailingMethodWithoutClashingWithMethodIds() {
        Channel.Close close = new Channel.Close(404, "NOT_FOUND - no queue 'q'", 50, 10);
        assertEquals(20, close.classId());
        assertEquals(40, close.methodId());
        assertEquals(50, close.failingClassId());
        assertEquals(10, close.failingMethodId());
        assertEquals(close, MethodCodec.decode(encode(close)));
    }

    @Test
    void methodsKnowTheirSpecNamesAndIds() {
        Basic.Publish publish = new Basic.Publish("", "q", false, false);
        assertEquals("basic.publish", publish.name());
        assertEquals(60, Basic.Publish.CLASS_ID);
        assertEquals(40, Basic.Publish.METHOD_ID);
        assertEquals("confirm.select", new Confirm.Select(false).name());
        assertEquals("exchange.unbind-ok", MethodCodec.methodName(40, 51));
    }

    @Test
    void argumentlessMethodsDecodeToTheirSingleton() {
        assertSame(Basic.QosOk.INSTANCE, MethodCodec.decode(encode(new Basic.QosOk())));
    }

    @Test
    void credentialsAreRedactedFromToString() {
        Connection.StartOk startOk = new Connection.StartOk(Map.of(), "PLAIN", LongString.of("\0guest\0s3cret"), "en_US");
        assertFalse(startOk.toString().contains("s3cret"), startOk.toString());
        assertFalse(new Connection.UpdateSecret(LongString.of("tok3n"), "r").toString().contains("tok3n"));
    }
}
